namespace Plexus.Testing;
internal static class Placeholder;
