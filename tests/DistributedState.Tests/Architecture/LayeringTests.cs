using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using Xunit;

namespace DistributedState.Tests.Architecture
{
    /// <summary>
    /// The runtime's layers point one way (docs/design-notes.md, "Map of the parts"): a namespace may use its own layer
    /// and the layers below it, and the public vocabulary of the root namespace (options, peers, exceptions...), but
    /// never a layer above it nor the node itself. Read from the compiled assembly — signatures and every method body's
    /// IL — so nothing escapes: lambdas and async state machines count for the type that declares them.
    /// </summary>
    public sealed class LayeringTests
    {
        /// <summary>Layers from the bottom; the root namespace (DsnNode, its partial files in Node/) is above them all.</summary>
        private static readonly string[][] Layers =
        {
            new[] { "DistributedState.Internal", "DistributedState.Logging" },
            new[] { "DistributedState.Security" },
            new[] { "DistributedState.Protocol" },
            new[] { "DistributedState.Transport", "DistributedState.Transport.FaultInjection" },
            new[] { "DistributedState.Sessions" },
            new[] { "DistributedState.State", "DistributedState.Membership", "DistributedState.Dissemination", "DistributedState.Events", "DistributedState.Discovery", "DistributedState.Storage" },
        };

        private static readonly Assembly Runtime = typeof(DsnNode).Assembly;

        [Fact]
        public void Every_namespace_of_the_runtime_has_a_layer()
        {
            var known = new HashSet<string>(Layers.SelectMany(l => l)) { "DistributedState" };
            Assert.Empty(Runtime.GetTypes().Where(t => !Outermost(t).Name.StartsWith("<", StringComparison.Ordinal)) // compiler-generated (array literals)
                .Select(t => Outermost(t).Namespace ?? "").Where(n => !known.Contains(n) && !n.StartsWith("System", StringComparison.Ordinal) && !n.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)).Distinct());
        }

        [Fact]
        public void No_layer_uses_a_layer_above_it_or_the_node()
        {
            var rank = Layers.SelectMany((names, i) => names.Select(n => (n, i))).ToDictionary(p => p.n, p => p.i);
            var violations = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var type in Runtime.GetTypes())
            {
                var owner = Outermost(type);
                if (owner.Namespace is null || !rank.TryGetValue(owner.Namespace, out var ownRank))
                    continue;
                foreach (var used in UsedTypes(type))
                {
                    var target = Outermost(used);
                    if (target.Assembly != Runtime || target == owner)
                        continue;
                    var tooHigh = target == typeof(DsnNode)
                        || (target.Namespace is not null && rank.TryGetValue(target.Namespace, out var usedRank) && usedRank > ownRank);
                    if (tooHigh)
                        violations.Add($"{owner.FullName} ({owner.Namespace}) uses {target.FullName}");
                }
            }

            Assert.True(violations.Count == 0, "Layer violations:\n" + string.Join("\n", violations));
        }

        [Fact]
        public void The_check_sees_through_method_bodies_and_lambdas()
        {
            // Sanity check of the reader: the node's own code is found to use the layers it wires together.
            var used = Runtime.GetTypes().Where(t => Outermost(t) == typeof(DsnNode)).SelectMany(UsedTypes).Select(t => Outermost(t).Namespace).ToHashSet();
            Assert.Contains("DistributedState.Sessions", used);
            Assert.Contains("DistributedState.Membership", used);
        }

        private static Type Outermost(Type type)
        {
            if (type.IsGenericParameter)
                return type.DeclaringMethod?.DeclaringType is { } m ? Outermost(m) : Outermost(type.DeclaringType!);
            while (type.HasElementType)
                type = type.GetElementType()!;
            while (type.DeclaringType is not null)
                type = type.DeclaringType;
            return type;
        }

        private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

        private static IEnumerable<Type> UsedTypes(Type type)
        {
            var found = new HashSet<Type>();
            void Add(Type? t)
            {
                if (t is null || !found.Add(t))
                    return;
                if (t.IsGenericType && !t.IsGenericTypeDefinition)
                    foreach (var argument in t.GetGenericArguments())
                        Add(argument);
                if (t.HasElementType)
                    Add(t.GetElementType());
            }

            Add(type.BaseType);
            foreach (var face in type.GetInterfaces())
                Add(face);
            foreach (var field in type.GetFields(Everything))
                Add(field.FieldType);
            foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
            {
                if (method is MethodInfo info)
                    Add(info.ReturnType);
                foreach (var parameter in method.GetParameters())
                    Add(parameter.ParameterType);
                foreach (var member in MembersInBody(method))
                    Add(member as Type ?? member.DeclaringType);
            }

            return found;
        }

        private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

        private static IEnumerable<MemberInfo> MembersInBody(MethodBase method)
        {
            var il = method.GetMethodBody()?.GetILAsByteArray();
            if (il is null)
                yield break;
            var typeArguments = method.DeclaringType!.IsGenericType ? method.DeclaringType.GetGenericArguments() : Type.EmptyTypes;
            var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : Type.EmptyTypes;
            for (var at = 0; at < il.Length;)
            {
                var value = (short)il[at++];
                if (value == 0xFE)
                    value = (short)(0xFE00 | il[at++]);
                var code = OpCodesByValue[value];
                switch (code.OperandType)
                {
                    case OperandType.InlineMethod:
                    case OperandType.InlineField:
                    case OperandType.InlineType:
                    case OperandType.InlineTok:
                        var token = BitConverter.ToInt32(il, at);
                        MemberInfo? member = null;
                        try
                        {
                            member = method.Module.ResolveMember(token, typeArguments, methodArguments);
                        }
                        catch (ArgumentException)
                        {
                        }

                        if (member is not null)
                            yield return member;
                        at += 4;
                        break;
                    case OperandType.InlineSwitch:
                        at += 4 + 4 * BitConverter.ToInt32(il, at);
                        break;
                    case OperandType.InlineI8:
                    case OperandType.InlineR:
                        at += 8;
                        break;
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget:
                    case OperandType.ShortInlineI:
                    case OperandType.ShortInlineVar:
                        at += 1;
                        break;
                    case OperandType.InlineVar:
                        at += 2;
                        break;
                    default:
                        at += 4;
                        break;
                }
            }
        }
    }
}
