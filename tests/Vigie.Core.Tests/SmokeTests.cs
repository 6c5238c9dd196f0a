namespace Vigie.Core.Tests;

public class SmokeTests
{
    [Fact]
    public void Core_assembly_loads() => Assert.Equal("Vigie.Core", typeof(Vigie.Core.Taxonomy.RsitTaxonomy).Assembly.GetName().Name);
}
