namespace Plexus.Controller.Tests.FakeApi;

/// <summary>
/// A kubeconfig file in a temporary folder pointing at a plain-http API server. It carries a dummy token: the fake
/// server checks no credentials, but KubernetesClient refuses a kubeconfig user without any.
/// </summary>
public sealed class Kubeconfig : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "plexus-kubeconfig-" + Guid.NewGuid().ToString("N"));

    public Kubeconfig(Uri server)
    {
        Directory.CreateDirectory(_folder);
        Path = System.IO.Path.Combine(_folder, "config");
        File.WriteAllText(Path, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {{server}}
            users:
            - name: tester
              user:
                token: e2e-test
            contexts:
            - name: fake
              context:
                cluster: fake
                user: tester
            current-context: fake
            """);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
