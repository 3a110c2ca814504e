using Plexus.Controller.Hosting;

namespace Plexus.Controller.Tests.Hosting;

public sealed class RuntimeEnvironmentDefaultsTests
{
    [Fact]
    public void An_empty_environment_gets_every_default()
    {
        var environment = new Dictionary<string, string>();

        RuntimeEnvironmentDefaults.Apply(v => environment.GetValueOrDefault(v), (v, value) => environment[v] = value);

        Assert.Equal("512", environment[RuntimeEnvironmentDefaults.ArraysPerPoolPartition]);
    }

    [Fact]
    public void Inline_socket_completions_stay_at_the_dotnet_default_unless_the_operator_opts_in()
    {
        var environment = new Dictionary<string, string>();

        RuntimeEnvironmentDefaults.Apply(v => environment.GetValueOrDefault(v), (v, value) => environment[v] = value);

        Assert.False(environment.ContainsKey(RuntimeEnvironmentDefaults.InlineSocketCompletions));
    }

    [Theory]
    [InlineData(RuntimeEnvironmentDefaults.InlineSocketCompletions, "1", 2)]
    [InlineData(RuntimeEnvironmentDefaults.ArraysPerPoolPartition, "32", 1)]
    public void What_the_operator_set_stands(string variable, string operatorValue, int variablesAfter)
    {
        var environment = new Dictionary<string, string> { [variable] = operatorValue };

        RuntimeEnvironmentDefaults.Apply(v => environment.GetValueOrDefault(v), (v, value) => environment[v] = value);

        Assert.Equal(operatorValue, environment[variable]);
        Assert.Equal(variablesAfter, environment.Count);
    }
}
