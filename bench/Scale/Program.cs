using Plexus.Bench.Scale;

try
{
    return await ScaleBenchmark.RunAsync(ScaleOptions.Parse(args));
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}
