namespace Vigie.Tests;

public class SmokeTests
{
    [Fact]
    public void Host_assembly_loads() => Assert.Equal("vigie", typeof(Program).Assembly.GetName().Name);
}
