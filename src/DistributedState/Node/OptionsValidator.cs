using System;
using System.Collections.Generic;
using DistributedState.Sessions;
using DistributedState.Internal;
using DistributedState.State;

namespace DistributedState
{
    /// <summary>Checks options before a node starts, with messages that say what is allowed.</summary>
    internal static class OptionsValidator
    {
        /// <summary>
        /// The keyring the node starts with, from <see cref="DsnNodeOptions.NetworkKey"/>, <see cref="DsnNodeOptions.NetworkKeyring"/>
        /// or else the file at <see cref="DsnNodeOptions.NetworkKeyPath"/>.
        /// </summary>
        private static DsnNetworkKeyring Keyring(DsnNodeOptions options)
        {
            if (options.NetworkKey is not null && options.NetworkKeyring is not null)
                throw new DsnArgumentException(DsnArgument.Option, "Give a network key or a keyring (DsnNodeOptions.NetworkKey or NetworkKeyring), not both.", nameof(DsnNodeOptions.NetworkKeyring));
            if (options.NetworkKey is not null)
                return new DsnNetworkKeyring(options.NetworkKey);
            if (options.NetworkKeyring is not null)
                return options.NetworkKeyring;
            if (string.IsNullOrWhiteSpace(options.NetworkKeyPath))
                throw new DsnArgumentException(DsnArgument.Option, "A network key is required (DsnNodeOptions.NetworkKey, NetworkKeyring or NetworkKeyPath): create one with DsnNetworkKey.Generate() or New-DsnKey.", nameof(DsnNodeOptions.NetworkKey));
            try
            {
                return DsnNetworkKeyring.Load(options.NetworkKeyPath!);
            }
            catch (ArgumentException error)
            {
                throw new DsnArgumentException(DsnArgument.Option, error.Message, nameof(DsnNodeOptions.NetworkKeyPath));
            }
        }

        /// <summary>Returns a private copy of valid options, or throws <see cref="ArgumentException"/>.</summary>
        public static DsnNodeOptions Validate(DsnNodeOptions options)
        {
            var copy = options.Clone();
            Require(NameRules.NodeIdProblem(copy.NodeId), nameof(DsnNodeOptions.NodeId), DsnArgument.NodeId);
            copy.NetworkKeyring = Keyring(copy);
            copy.NetworkKey = null; // the node reads the ring only
            if (copy.Port < 0 || copy.Port > 65535)
                throw new DsnArgumentException(DsnArgument.Option, $"The port must be between 0 (any free port) and 65535; it was {copy.Port}.", nameof(DsnNodeOptions.Port));
            if (copy.BindAddress is null)
                throw new DsnArgumentException(DsnArgument.Option, "A bind address is required (for example IPAddress.Any or IPAddress.Loopback).", nameof(DsnNodeOptions.BindAddress));
            if (copy.AdvertiseAddress is not null && string.IsNullOrWhiteSpace(copy.AdvertiseAddress))
                throw new DsnArgumentException(DsnArgument.Option, "The advertise address, when given, must be a host name or an IP address.", nameof(DsnNodeOptions.AdvertiseAddress));
            foreach (var endpoint in copy.BootstrapNodes)
            {
                if (endpoint is null)
                    throw new DsnArgumentException(DsnArgument.Option, "The bootstrap list contains a null endpoint.", nameof(DsnNodeOptions.BootstrapNodes));
            }

            if (copy.DataPath is not null)
            {
                if (string.IsNullOrWhiteSpace(copy.DataPath) || copy.DataPath.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
                    throw new DsnArgumentException(DsnArgument.Option, $"The data path must be a directory path; it was '{copy.DataPath}'.", nameof(DsnNodeOptions.DataPath));
                if (!copy.PersistIdentity)
                    throw new DsnArgumentException(DsnArgument.Option, "A data path keeps the node's state signed by its identity, so the identity must be kept too: leave PersistIdentity on with DataPath.", nameof(DsnNodeOptions.DataPath));
            }

            foreach (var pinned in copy.AllowedNodes)
            {
                Require(NameRules.NodeIdProblem(pinned.Key), nameof(DsnNodeOptions.AllowedNodes), DsnArgument.Option);
                if (NameRules.PublicKeyProblem(pinned.Value) is { } keyProblem)
                    throw new DsnArgumentException(DsnArgument.Option, $"The pinned key of '{pinned.Key}' is not valid: {keyProblem}", nameof(DsnNodeOptions.AllowedNodes));
            }

            Positive(copy.MaxValueBytes, nameof(DsnNodeOptions.MaxValueBytes), 64L * 1024 * 1024);
            Positive(copy.MaxMessageBytes, nameof(DsnNodeOptions.MaxMessageBytes), 64L * 1024 * 1024);
            Positive(copy.MaxStateBytes, nameof(DsnNodeOptions.MaxStateBytes), 1L << 40);
            Positive(copy.MaxConnections, nameof(DsnNodeOptions.MaxConnections), 100_000);
            Positive(copy.EventQueueCapacity, nameof(DsnNodeOptions.EventQueueCapacity), 100_000_000);
            Positive(copy.MaxMembers, nameof(DsnNodeOptions.MaxMembers), 1_000_000);
            Positive(copy.MaxOwners, nameof(DsnNodeOptions.MaxOwners), 1_000_000);
            if (copy.MaxSendQueueBytes < copy.MaxValueBytes + 64L * 1024 || copy.MaxSendQueueBytes > 1L << 40)
                throw new DsnArgumentException(DsnArgument.Option, $"MaxSendQueueBytes must hold at least one largest value (MaxValueBytes + 64 KiB = {copy.MaxValueBytes + 64L * 1024}) and at most {1L << 40}; it was {copy.MaxSendQueueBytes}.", nameof(DsnNodeOptions.MaxSendQueueBytes));
            Duration(copy.JoinTimeout, nameof(DsnNodeOptions.JoinTimeout));
            Duration(copy.RetryJoinInterval, nameof(DsnNodeOptions.RetryJoinInterval));
            Duration(copy.DepartedRetention, nameof(DsnNodeOptions.DepartedRetention));
            Duration(copy.ProbeInterval, nameof(DsnNodeOptions.ProbeInterval));
            Duration(copy.ProbeTimeout, nameof(DsnNodeOptions.ProbeTimeout));
            Duration(copy.AntiEntropyInterval, nameof(DsnNodeOptions.AntiEntropyInterval));
            Duration(copy.ConnectTimeout, nameof(DsnNodeOptions.ConnectTimeout));
            Duration(copy.HandshakeTimeout, nameof(DsnNodeOptions.HandshakeTimeout));
            Duration(copy.SendTimeout, nameof(DsnNodeOptions.SendTimeout));
            if (copy.DefaultTimeToLive is { } lease && LeaseRule.TimeToLiveProblem(lease) is { } leaseProblem)
                throw new DsnArgumentException(DsnArgument.TimeToLive, $"DefaultTimeToLive {leaseProblem}", nameof(DsnNodeOptions.DefaultTimeToLive));
            if (copy.ClockSkewTolerance < TimeSpan.Zero || copy.ClockSkewTolerance > TimeSpan.FromHours(1))
                throw new DsnArgumentException(DsnArgument.Option, $"ClockSkewTolerance must be between 0 and 1 hour; it was {copy.ClockSkewTolerance}.", nameof(DsnNodeOptions.ClockSkewTolerance));
            if (double.IsNaN(copy.SuspicionMultiplier) || copy.SuspicionMultiplier < 1 || copy.SuspicionMultiplier > 100)
                throw new DsnArgumentException(DsnArgument.Option, $"SuspicionMultiplier must be between 1 and 100; it was {copy.SuspicionMultiplier}.", nameof(DsnNodeOptions.SuspicionMultiplier));
            if (copy.Discovery is { } discovery)
            {
                if (discovery.Group is null || !IsMulticast(discovery.Group))
                    throw new DsnArgumentException(DsnArgument.Option, $"The discovery group must be an IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) multicast address; it was {discovery.Group?.ToString() ?? "null"}.", nameof(DsnDiscoveryOptions.Group));
                if (discovery.Port < 1 || discovery.Port > 65535)
                    throw new DsnArgumentException(DsnArgument.Option, $"The discovery port must be between 1 and 65535; it was {discovery.Port}.", nameof(DsnDiscoveryOptions.Port));
                if (discovery.Interface is not null && discovery.Interface.AddressFamily != discovery.Group.AddressFamily)
                    throw new DsnArgumentException(DsnArgument.Option, $"The discovery interface {discovery.Interface} and group {discovery.Group} must both be IPv4 or both IPv6.", nameof(DsnDiscoveryOptions.Interface));
                Duration(discovery.Interval, nameof(DsnDiscoveryOptions.Interval));
            }

            return copy;
        }

        private static bool IsMulticast(System.Net.IPAddress address) =>
            address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? address.IsIPv6Multicast
                : (address.GetAddressBytes()[0] & 0xF0) == 0xE0;

        private static void Require(string? problem, string name, DsnArgument argument)
        {
            if (problem is not null)
                throw new DsnArgumentException(argument, problem, name);
        }

        private static void Positive(long value, string name, long max)
        {
            if (value < 1 || value > max)
                throw new DsnArgumentException(DsnArgument.Option, $"{name} must be between 1 and {max}; it was {value}.", name);
        }

        private static void Duration(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(365))
                throw new DsnArgumentException(DsnArgument.Option, $"{name} must be a positive duration of at most a year; it was {value}.", name);
        }
    }
}
