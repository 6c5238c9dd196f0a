using Microsoft.Extensions.Localization;

namespace Vigie.Web;

/// <summary>
/// With <c>Vigie:Ui:StrictStrings</c> on (the test suites turn it on), a string missing from a
/// resource file throws instead of showing its key: every page a test renders proves its strings
/// exist, in the language it rendered. French and English files are compared by a test as well.
/// </summary>
internal sealed class StrictStringLocalizerFactory(ResourceManagerStringLocalizerFactory inner) : IStringLocalizerFactory
{
    public IStringLocalizer Create(Type resourceSource) => new Strict(inner.Create(resourceSource), resourceSource.Name);

    public IStringLocalizer Create(string baseName, string location) => new Strict(inner.Create(baseName, location), baseName);

    private sealed class Strict(IStringLocalizer inner, string name) : IStringLocalizer
    {
        public LocalizedString this[string key] => Check(inner[key]);

        public LocalizedString this[string key, params object[] arguments] => Check(inner[key, arguments]);

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);

        private LocalizedString Check(LocalizedString value) => value.ResourceNotFound
            ? throw new InvalidOperationException($"The string '{value.Name}' is missing from {name} ({System.Globalization.CultureInfo.CurrentUICulture.Name}).")
            : value;
    }
}
