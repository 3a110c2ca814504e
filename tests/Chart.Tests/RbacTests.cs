using k8s.Models;
using Plexus.Controller.Sources.Kubernetes;

namespace Plexus.Chart.Tests;

/// <summary>
/// The chart grants exactly what the controller calls: the rendered Role/ClusterRole rules, merged, equal
/// <see cref="KubernetesApiAccess.Required"/>, and each rule sits at the scope it must.
/// </summary>
public class RbacTests
{
    private const string LeaderElectionRole = "plexus-ingress-leader-election";

    public static TheoryData<string?> Scopes() => new() { (string?)null, ValuesFiles.NamespaceScope };

    [Theory]
    [MemberData(nameof(Scopes))]
    public async Task Rendered_rules_equal_the_api_calls_the_controller_makes(string? ciValuesFile)
    {
        var manifest = ciValuesFile is null ? await Helm.RenderAsync() : await Helm.RenderWithValuesFileAsync(ciValuesFile);

        var granted = Merge(AllRules(manifest).Select(r => r.Rule));

        Assert.Equal(Format(Merge(KubernetesApiAccess.Required)), Format(granted));
    }

    [Fact]
    public void Api_access_list_is_the_one_the_issue_asks_for()
    {
        // Issue 6: get/list/watch on ingresses, ingressclasses, services, endpointslices, TLS secrets and pods;
        // update on ingresses/status; create/patch on events; leases for leader election.
        var expected = new Dictionary<(string, string), SortedSet<string>>
        {
            [("networking.k8s.io", "ingresses")] = ["get", "list", "watch"],
            [("networking.k8s.io", "ingressclasses")] = ["get", "list", "watch"],
            [("", "services")] = ["get", "list", "watch"],
            [("discovery.k8s.io", "endpointslices")] = ["get", "list", "watch"],
            [("", "secrets")] = ["get", "list", "watch"],
            [("", "pods")] = ["get", "list", "watch"],
            [("networking.k8s.io", "ingresses/status")] = ["update"],
            [("", "events")] = ["create", "patch"],
            [("coordination.k8s.io", "leases")] = ["create", "get", "update"],
        };

        Assert.Equal(Format(expected), Format(Merge(KubernetesApiAccess.Required)));
    }

    [Theory]
    [MemberData(nameof(Scopes))]
    public async Task No_wildcards_and_no_resource_names(string? ciValuesFile)
    {
        var manifest = ciValuesFile is null ? await Helm.RenderAsync() : await Helm.RenderWithValuesFileAsync(ciValuesFile);

        foreach (var (role, rule) in AllRules(manifest))
        {
            Assert.DoesNotContain("*", rule.ApiGroups);
            Assert.DoesNotContain("*", rule.Resources);
            Assert.DoesNotContain("*", rule.Verbs);
            Assert.True(rule.ResourceNames is null, $"{role} limits by resource name");
            Assert.True(rule.NonResourceURLs is null, $"{role} grants non-resource URLs");
        }
    }

    [Fact]
    public async Task Cluster_scope_reads_everything_through_the_cluster_role_and_leases_only_in_the_release_namespace()
    {
        var manifest = await Helm.RenderAsync();

        var clusterRole = manifest.Single<V1ClusterRole>("ClusterRole");
        var roles = manifest.OfKind("Role").Select(r => r.As<V1Role>()).ToList();

        var role = Assert.Single(roles);
        Assert.Equal((Helm.ReleaseNamespace, LeaderElectionRole), (role.Metadata.NamespaceProperty, role.Metadata.Name));
        Assert.Equal(["coordination.k8s.io/leases"], Resources(role.Rules));
        Assert.Equal(
            ["/events", "/pods", "/secrets", "/services", "discovery.k8s.io/endpointslices", "networking.k8s.io/ingressclasses",
             "networking.k8s.io/ingresses", "networking.k8s.io/ingresses/status"],
            Resources(clusterRole.Rules));
        Assert.Null(PodSpecs.Flag(manifest, "--watch-namespace"));
        AssertBindings(manifest);
    }

    [Fact]
    public async Task Namespace_scope_reads_only_the_watched_namespace_and_ingress_classes_cluster_wide()
    {
        var manifest = await Helm.RenderWithValuesFileAsync(ValuesFiles.NamespaceScope);

        var clusterRole = manifest.Single<V1ClusterRole>("ClusterRole");
        var watched = manifest.Single<V1Role>("Role", "plexus-ingress");
        var leases = manifest.Single<V1Role>("Role", LeaderElectionRole);

        Assert.Equal(["networking.k8s.io/ingressclasses"], Resources(clusterRole.Rules));
        Assert.Equal("apps", watched.Metadata.NamespaceProperty);
        Assert.Equal(
            ["/events", "/pods", "/secrets", "/services", "discovery.k8s.io/endpointslices", "networking.k8s.io/ingresses",
             "networking.k8s.io/ingresses/status"],
            Resources(watched.Rules));
        Assert.Equal(Helm.ReleaseNamespace, leases.Metadata.NamespaceProperty);
        Assert.Equal("apps", PodSpecs.Flag(manifest, "--watch-namespace"));
        AssertBindings(manifest);
    }

    [Fact]
    public async Task Namespace_scope_without_a_watch_namespace_watches_the_release_namespace()
    {
        var manifest = await Helm.RenderAsync("--set", "rbac.scope=namespace");

        Assert.Equal(Helm.ReleaseNamespace, manifest.Single<V1Role>("Role", "plexus-ingress").Metadata.NamespaceProperty);
        Assert.Equal(Helm.ReleaseNamespace, PodSpecs.Flag(manifest, "--watch-namespace"));
    }

    [Fact]
    public async Task Rbac_create_false_renders_no_rbac_objects()
    {
        var manifest = await Helm.RenderAsync("--set", "rbac.create=false");

        Assert.DoesNotContain(manifest.Objects, o => o.ApiVersion.StartsWith("rbac.authorization.k8s.io/", StringComparison.Ordinal));
    }

    /// <summary>Every Role and ClusterRole is bound, once, to the chart's ServiceAccount in the release namespace.</summary>
    private static void AssertBindings(RenderedManifest manifest)
    {
        var account = manifest.Single<V1ServiceAccount>("ServiceAccount");
        var bindings = manifest.OfKind("ClusterRoleBinding").Select(b => b.As<V1ClusterRoleBinding>())
            .Select(b => (Namespace: (string?)null, b.RoleRef, b.Subjects))
            .Concat(manifest.OfKind("RoleBinding").Select(b => b.As<V1RoleBinding>()).Select(b => (Namespace: (string?)b.Metadata.NamespaceProperty, b.RoleRef, b.Subjects)))
            .ToList();

        var roles = manifest.OfKind("ClusterRole").Concat(manifest.OfKind("Role")).ToList();
        Assert.Equal(roles.Count, bindings.Count);
        foreach (var role in roles)
        {
            var binding = Assert.Single(bindings, b => b.RoleRef.Kind == role.Kind && b.RoleRef.Name == role.Name && b.Namespace == role.Namespace);
            var subject = Assert.Single(binding.Subjects);
            Assert.Equal(("ServiceAccount", account.Metadata.Name, Helm.ReleaseNamespace), (subject.Kind, subject.Name, subject.NamespaceProperty));
        }
    }

    private static IEnumerable<(string Role, V1PolicyRule Rule)> AllRules(RenderedManifest manifest) =>
        manifest.OfKind("ClusterRole").SelectMany(r => r.As<V1ClusterRole>().Rules.Select(rule => (r.ToString(), rule)))
            .Concat(manifest.OfKind("Role").SelectMany(r => r.As<V1Role>().Rules.Select(rule => (r.ToString(), rule))));

    private static List<string> Resources(IEnumerable<V1PolicyRule> rules) =>
        [.. rules.SelectMany(r => r.ApiGroups.SelectMany(g => r.Resources.Select(res => $"{g}/{res}"))).Distinct().Order(StringComparer.Ordinal)];

    private static Dictionary<(string Group, string Resource), SortedSet<string>> Merge(IEnumerable<V1PolicyRule> rules)
    {
        var merged = new Dictionary<(string, string), SortedSet<string>>();
        foreach (var rule in rules)
        {
            foreach (var group in rule.ApiGroups)
            {
                foreach (var resource in rule.Resources)
                {
                    Add(merged, group, resource, rule.Verbs);
                }
            }
        }

        return merged;
    }

    private static Dictionary<(string Group, string Resource), SortedSet<string>> Merge(IEnumerable<ApiAccess> accesses)
    {
        var merged = new Dictionary<(string, string), SortedSet<string>>();
        foreach (var access in accesses)
        {
            Add(merged, access.Group, access.Resource, access.Verbs);
        }

        return merged;
    }

    private static void Add(Dictionary<(string, string), SortedSet<string>> merged, string group, string resource, IEnumerable<string> verbs)
    {
        if (!merged.TryGetValue((group, resource), out var set))
        {
            set = new SortedSet<string>(StringComparer.Ordinal);
            merged.Add((group, resource), set);
        }

        set.UnionWith(verbs);
    }

    /// <summary>One line per resource, sorted, so a failure shows the whole difference readably.</summary>
    private static string Format(Dictionary<(string Group, string Resource), SortedSet<string>> rules) =>
        string.Join('\n', rules.Select(r => $"{r.Key.Group}/{r.Key.Resource}: {string.Join(',', r.Value)}").Order(StringComparer.Ordinal));
}
