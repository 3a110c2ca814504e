using Plexus.Controller.Hosting;

namespace Plexus.Controller.Tests.Hosting;

public sealed class RuntimeEnvironmentDefaultsTests
{
    [Fact]
    public void An_empty_environment_gets_every_default()
    {
        var environment = new Dictionary<string, string>();

        RuntimeEnvironmentDefaults.Apply(v => environment.GetValueOrDefault(v), (v, value) => environment[v] = value);

        Assert.Equal("1", environment[RuntimeEnvironmentDefaults.InlineSocketCompletions]);
        Assert.Equal("512", environment[RuntimeEnvironmentDefaults.ArraysPerPoolPartition]);
    }

    [Theory]
    [InlineData(RuntimeEnvironmentDefaults.InlineSocketCompletions, "0")]
    [InlineData(RuntimeEnvironmentDefaults.ArraysPerPoolPartition, "32")]
    public void What_the_operator_set_stands(string variable, string operatorValue)
    {
        var environment = new Dictionary<string, string> { [variable] = operatorValue };

        RuntimeEnvironmentDefaults.Apply(v => environment.GetValueOrDefault(v), (v, value) => environment[v] = value);

        Assert.Equal(operatorValue, environment[variable]);
        Assert.Equal(2, environment.Count);
    }
}
