namespace Plexus.Controller.Check;

/// <summary>The resources to check could not be read (folder missing, invalid manifests, API unreachable): exit 2.</summary>
public sealed class CheckInputException : Exception
{
    public CheckInputException()
    {
    }

    public CheckInputException(string message)
        : base(message)
    {
    }

    public CheckInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
