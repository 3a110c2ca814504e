using Plexus.Controller.Hosting;

namespace Plexus.Controller.Tests.Hosting;

public sealed class StartupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("plexus-startup-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "Plexus:Manifests", "/nonexistent/plexus-manifests", "does not exist" },
        { "Plexus:Kubeconfig", "/nonexistent/kubeconfig", "does not exist" },
        { "Plexus:BindAddress", "not-an-ip", "not an IP address" },
        { "Plexus:DefaultSslCertificate", "no-namespace", "NAMESPACE/NAME" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Bad_settings_are_a_startup_error_with_a_message(string key, string value, string expected)
    {
        var exception = Assert.Throws<StartupException>(() => PlexusApplication.Create(new Dictionary<string, string?>
        {
            [key] = value,
            ["Plexus:Manifests"] = key == "Plexus:Manifests" ? value : _folder,
        }));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubeconfig_without_credentials_is_a_startup_error_not_a_crash()
    {
        var kubeconfig = Path.Combine(_folder, "config");
        File.WriteAllText(kubeconfig, """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
            users: [{name: u, user: {}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);

        var exception = Assert.Throws<StartupException>(() => PlexusApplication.Create(new Dictionary<string, string?>
        {
            ["Plexus:Kubeconfig"] = kubeconfig,
        }));

        Assert.Contains("cannot be used", exception.Message, StringComparison.Ordinal);
    }
}
