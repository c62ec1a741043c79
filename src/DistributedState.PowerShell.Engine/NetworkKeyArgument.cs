using System;
using System.IO;

namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// The key a keyring cmdlet is about, as the user gives it: a key's text (-Key), a key file (-KeyPath, as New-DsnKey
    /// writes it) or, for the commands that need only its name, a key id (-KeyId, as Get-DsnNetworkKey shows it).
    /// </summary>
    public static class NetworkKeyArgument
    {
        /// <summary>The key from its text or its file (already resolved to a file-system path); exactly one is given.</summary>
        /// <exception cref="DsnCommandException">DsnNetworkKeyInvalid (not 32 or 64 hexadecimal characters), DsnPathIsDirectory.</exception>
        /// <exception cref="FileNotFoundException">The key file does not exist.</exception>
        public static DsnNetworkKey Key(string? text, string? path)
        {
            if (path is not null)
                FileArgument.EnsureNotDirectory(path, "-KeyPath", "a key file made by New-DsnKey -Path");
            try
            {
                return path is null ? DsnNetworkKey.Parse(text ?? string.Empty) : DsnNetworkKey.Load(path);
            }
            catch (ArgumentException ex)
            {
                throw new DsnCommandException("DsnNetworkKeyInvalid", DsnErrorCategory.InvalidArgument, ex.Message, (object?)path ?? "-Key", ex);
            }
        }

        /// <summary>The key id given: -KeyId as it is, or the id of the key in -Key or -KeyPath.</summary>
        /// <exception cref="DsnCommandException">DsnKeyIdInvalid, DsnNetworkKeyInvalid, DsnPathIsDirectory.</exception>
        public static string KeyId(string? keyId, string? text, string? path)
        {
            if (keyId is null)
                return Key(text, path).Id;
            if (!DsnNetworkKey.IsKeyId(keyId))
                throw new DsnCommandException("DsnKeyIdInvalid", DsnErrorCategory.InvalidArgument,
                    $"A key id is {DsnNetworkKey.IdLength} hexadecimal characters, as Get-DsnNetworkKey shows them in KeyIds; '{keyId}' is not one. To name a key by its text, use -Key.", keyId);
            return keyId.ToLowerInvariant();
        }

        /// <summary>The error to write for a member that did not do what was asked; null when it did.</summary>
        public static DsnCommandException? Failure(DsnKeyringResult result)
        {
            if (result is null) throw new ArgumentNullException(nameof(result));
            return result.Status switch
            {
                DsnKeyringStatus.Refused => new DsnCommandException("DsnKeyringRefused", DsnErrorCategory.InvalidOperation,
                    $"Member '{result.NodeId}' refused to {Verb(result.Operation)}: {result.Error}", result),
                DsnKeyringStatus.NoAnswer => new DsnCommandException("DsnKeyringNoAnswer", DsnErrorCategory.OperationTimeout,
                    $"Member '{result.NodeId}' did not answer: {result.Error}", result),
                _ => null,
            };
        }

        private static string Verb(DsnKeyringOperation operation) => operation switch
        {
            DsnKeyringOperation.Install => "install the key",
            DsnKeyringOperation.Use => "make the key primary",
            DsnKeyringOperation.Remove => "remove the key",
            _ => "list its keys",
        };
    }
}
