using k8s.Models;
using Plexus.Controller.Translation;

namespace Plexus.Controller.Tests.Translation;

public class IngressClassSelectionTests
{
    public static TheoryData<string, Func<StateBuilder>, Func<IngressBuilder, IngressBuilder>, bool> Cases => new()
    {
        { "spec class names our class", () => new StateBuilder(), i => i, true },
        { "spec class names another class", () => new StateBuilder().Add(K8s.IngressClass("nginx", "k8s.io/ingress-nginx")), i => i.Class("nginx"), false },
        { "spec class names our class but it belongs to another controller", () => new StateBuilder(false).Add(K8s.IngressClass("plexus", "k8s.io/ingress-nginx")), i => i, false },
        { "spec class names our class but it does not exist", () => new StateBuilder(false), i => i, false },
        { "no class, our class is default", () => new StateBuilder(false).Add(K8s.IngressClass("plexus", isDefault: true)), i => i.Class(null), true },
        { "no class, our class is not default", () => new StateBuilder(), i => i.Class(null), false },
        { "no class, another controller's class is default", () => new StateBuilder().Add(K8s.IngressClass("nginx", "k8s.io/ingress-nginx", isDefault: true)), i => i.Class(null), false },
        { "legacy annotation equal to our class", () => new StateBuilder(false), i => i.Class(null).Annotation(IngressClassFilter.LegacyClassAnnotation, "plexus"), true },
        { "legacy annotation naming another class", () => new StateBuilder(false).Add(K8s.IngressClass("plexus", isDefault: true)), i => i.Class(null).Annotation(IngressClassFilter.LegacyClassAnnotation, "nginx"), false },
        { "spec class wins over default", () => new StateBuilder().Add(K8s.IngressClass("plexus", isDefault: true)).Add(K8s.IngressClass("nginx", "k8s.io/ingress-nginx")), i => i.Class("nginx"), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Selects_only_our_ingresses(string name, Func<StateBuilder> state, Func<IngressBuilder, IngressBuilder> ingress, bool ours)
    {
        var builder = state().Backend("ns", "svc")
            .Add(ingress(K8s.Ingress("ns", "ing").Rule("app.test").Path("/", "Prefix", "svc", 80)));

        var snapshot = Run.Build(builder);

        Assert.True(ours == (snapshot.Routes.Length == 1), name);
        Assert.DoesNotContain(snapshot.Diagnostics, d => d.Subject.Kind == "Ingress");
    }

    [Fact]
    public void Other_controllers_ingresses_produce_nothing_even_when_broken()
    {
        var state = new StateBuilder().Add(K8s.IngressClass("nginx", "k8s.io/ingress-nginx"))
            .Add(K8s.Ingress("ns", "theirs").Class("nginx").Rule("Bad_Host").Path("no-slash", "Exact", "missing", 80).Tls("missing-secret", "x.test"))
            .Add(K8s.Ingress("ns", "nothing").Class(null).Rule("app.test").Path("/", "Prefix", "missing", 80));

        var snapshot = Run.Build(state);

        Assert.Empty(snapshot.Routes);
        Assert.Empty(snapshot.Clusters);
        Assert.Empty(snapshot.Diagnostics);
    }

    [Fact]
    public void Flag_selects_the_class_name()
    {
        var state = new StateBuilder().Add(K8s.IngressClass("internal")).Backend("ns", "svc")
            .Add(K8s.Ingress("ns", "a").Class("plexus").Path("/a", "Prefix", "svc", 80))
            .Add(K8s.Ingress("ns", "b").Class("internal").Path("/b", "Prefix", "svc", 80));

        var snapshot = Run.Build(state, Run.Options(className: "internal"));

        Assert.Equal("/b", Assert.Single(snapshot.Routes).Path);
    }

    [Theory]
    [InlineData(false, DiagnosticReasons.IngressClassNotFound)]
    [InlineData(true, DiagnosticReasons.IngressClassControllerMismatch)]
    public void Ingresses_naming_an_unusable_class_give_one_class_diagnostic(bool classExists, string reason)
    {
        var state = new StateBuilder(false).Backend("ns", "svc")
            .Add(K8s.Ingress("ns", "a").Path("/a", "Prefix", "svc", 80))
            .Add(K8s.Ingress("ns", "b").Path("/b", "Prefix", "svc", 80));
        if (classExists)
        {
            state.Add(K8s.IngressClass("plexus", "k8s.io/ingress-nginx"));
        }

        var snapshot = Run.Build(state);

        Assert.Empty(snapshot.Routes);
        var diagnostic = Assert.Single(snapshot.Diagnostics);
        Assert.Equal(reason, diagnostic.Reason);
        Assert.Equal("IngressClass", diagnostic.Subject.Kind);
        Assert.Contains("2 Ingress", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_filter_is_usable_alone()
    {
        var state = new StateBuilder().Build();
        var filter = new IngressClassFilter(state, "plexus");

        Assert.True(filter.IsOurs(new V1Ingress { Spec = new V1IngressSpec { IngressClassName = "plexus" } }));
        Assert.False(filter.IsOurs(new V1Ingress { Spec = new V1IngressSpec { IngressClassName = "other" } }));
        Assert.False(filter.IsOurs(new V1Ingress()));
    }
}
