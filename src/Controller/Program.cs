namespace Plexus.Controller;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine($"Plexus controller: not wired yet ({args.Length} arguments)");
        return 2;
    }
}
