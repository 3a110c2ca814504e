namespace Plexus.Controller.Sources.Manifests;

/// <summary>A manifest file that cannot be read into objects; the message says where and why.</summary>
public sealed class ManifestParseException : Exception
{
    public ManifestParseException()
    {
    }

    public ManifestParseException(string message)
        : base(message)
    {
    }

    public ManifestParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The 1-based line of the problem in the file, when known.</summary>
    public int? Line { get; init; }
}
