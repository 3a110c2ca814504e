using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Plexus.LocalBackends;

/// <summary>
/// Loopback backends for deploy/local: each answers with its name and the protocol it saw, so a request through
/// Plexus shows which backend served it and over what. Ports: --h1-port, --h2c-port, --h2-port (configuration keys).
/// </summary>
internal static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var h1 = builder.Configuration.GetValue("h1-port", 19001);
        var h2c = builder.Configuration.GetValue("h2c-port", 19002);
        var h2 = builder.Configuration.GetValue("h2-port", 19003);
        using var certificate = CreateSelfSignedCertificate();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, h1, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, h2c, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, h2, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseHttps(certificate);
            });
        });

        var names = new Dictionary<int, string> { [h1] = "local-h1", [h2c] = "local-h2c", [h2] = "local-h2" };
        var app = builder.Build();
        app.Run(context =>
        {
            var name = names.GetValueOrDefault(context.Connection.LocalPort, "unknown");
            var request = context.Request;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync(
                $"{name}: {request.Protocol} {request.Method} {request.Scheme}://{request.Host}{request.Path}{request.QueryString}\n");
        });

        app.Logger.LogInformation("Backends: HTTP/1.1 on 127.0.0.1:{H1}, h2c on 127.0.0.1:{H2c}, h2 (TLS, self-signed) on 127.0.0.1:{H2}", h1, h2c, h2);
        await app.RunAsync();
    }

    /// <summary>A throw-away certificate for localhost/127.0.0.1, made at start so nothing secret is checked in.</summary>
    private static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=plexus-local-backend", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));

        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
