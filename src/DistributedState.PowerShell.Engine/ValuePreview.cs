namespace DistributedState.PowerShell.Engine
{
    /// <summary>
    /// A value as a confirmation prompt or -WhatIf line shows it: whole when short, otherwise its start and its size,
    /// so confirming a 1 MiB value does not print a megabyte, and a multi-line value stays on one line.
    /// </summary>
    public static class ValuePreview
    {
        /// <summary>The longest value shown whole.</summary>
        public const int MaxLength = 60;

        /// <summary>The value quoted, control characters shown as spaces, cut after <see cref="MaxLength"/> characters.</summary>
        public static string Of(string value)
        {
            var text = value ?? string.Empty;
            var shown = text.Length <= MaxLength ? text : text.Substring(0, MaxLength);
            var chars = shown.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
                if (char.IsControl(chars[i])) chars[i] = ' ';
            var quoted = "'" + new string(chars) + "'";
            return text.Length <= MaxLength ? quoted : $"{quoted}… ({text.Length} characters)";
        }
    }
}
