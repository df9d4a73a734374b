using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Registry;

/// <summary>
/// A key of a <see cref="RegistryHive"/>, read on demand. A key object belongs to the state of the hive
/// it was read from: after <see cref="RegistryHive.Apply"/> changes the hive, look keys up again (using
/// an old one throws <see cref="InvalidOperationException"/>).
/// </summary>
public sealed class RegistryKey
{
    private readonly int _generation;

    internal RegistryKey(RegistryHive hive, uint offset, string path)
    {
        Hive = hive;
        Offset = offset;
        Path = path;
        _generation = hive.Generation;
    }

    /// <summary>The hive the key is in.</summary>
    public RegistryHive Hive { get; }

    /// <summary>The key's path from the hive root, with names as stored ("" for the root).</summary>
    public string Path { get; }

    /// <summary>The key's name as stored (the root's name is whatever its creator gave it).</summary>
    public string Name => HiveTree.NameOf(Node());

    /// <summary>True for the hive's root key.</summary>
    public bool IsRoot => Offset == Tree.Root;

    /// <summary>When the key or its values last changed (UTC); <see cref="DateTime.MinValue"/> if the stored time is not valid.</summary>
    public DateTime LastWriteTimeUtc => RegistryHive.FromFileTime(Node().LastWrittenFileTime);

    /// <summary>The key's class name, or null (few keys have one).</summary>
    public string? ClassName => Tree.ClassName(Offset, Node());

    /// <summary>Number of subkeys.</summary>
    public int SubkeyCount => (int)Math.Min(Node().SubkeyCount, int.MaxValue);

    /// <summary>Number of values.</summary>
    public int ValueCount => (Node().Flags & KeyNode.KeyPredefHandle) != 0 ? 0 : (int)Math.Min(Node().ValueCount, int.MaxValue);

    /// <summary>True if the key is a symbolic link (KEY_SYM_LINK; its target is the REG_LINK value <c>SymbolicLinkValue</c>). Links are not followed.</summary>
    public bool IsSymbolicLink => (Node().Flags & KeyNode.KeySymLink) != 0;

    /// <summary>The key node's flags field (KEY_VOLATILE 0x1, KEY_HIVE_EXIT 0x2, KEY_HIVE_ENTRY 0x4, KEY_NO_DELETE 0x8, KEY_SYM_LINK 0x10, KEY_COMP_NAME 0x20, ...).</summary>
    public int Flags => Node().Flags;

    /// <summary>
    /// The user (Wow64) flags of Vista and later: bits 16-19 of the largest-subkey-name field, where
    /// Windows stores them (yarp's NewFlagsHive: a key written by a 32-bit program holds 0x00010000,
    /// KEY_FLAG_32BIT = 1; the specification's table lists the two nibbles the other way round and warns
    /// about exactly this).
    /// </summary>
    public int UserFlags => (int)((Node().MaxSubkeyNameField >> 16) & 0xF);

    /// <summary>The virtualization control flags of Vista and later: bits 20-23 of the largest-subkey-name field.</summary>
    public int VirtualizationFlags => (int)((Node().MaxSubkeyNameField >> 20) & 0xF);

    /// <summary>The Windows 8+ access bits (1: accessed before the hive was initialised, 2: after).</summary>
    public int AccessBits => (int)Node().AccessBits;

    internal uint Offset { get; }

    private HiveTree Tree
    {
        get
        {
            Hive.EnsureGeneration(_generation);
            return Hive.Tree;
        }
    }

    /// <summary>The key's self-relative security descriptor (shared with other keys).</summary>
    public byte[] GetSecurityDescriptor() => Tree.Security(Node().Security).Descriptor;

    /// <summary>The subkeys' names, in the order stored (Windows' case-insensitive order).</summary>
    public IReadOnlyList<string> GetSubkeyNames()
    {
        var names = new List<string>();
        foreach (var child in Tree.Subkeys(Offset, Node()))
        {
            names.Add(HiveTree.NameOf(Tree.Key(child)));
        }

        return names;
    }

    /// <summary>The subkeys, in the order stored.</summary>
    public IReadOnlyList<RegistryKey> GetSubkeys()
    {
        var keys = new List<RegistryKey>();
        foreach (var child in Tree.Subkeys(Offset, Node()))
        {
            keys.Add(new RegistryKey(Hive, child, Combine(Path, HiveTree.NameOf(Tree.Key(child)))));
        }

        return keys;
    }

    /// <summary>
    /// The subkey at <paramref name="relativePath"/> (one name or a backslash-separated path), compared
    /// case-insensitively as Windows compares; null if it does not exist.
    /// </summary>
    public RegistryKey? GetSubkey(string relativePath)
    {
        var current = Offset;
        var path = Path;
        foreach (var name in HiveNames.SplitPath(relativePath))
        {
            current = Tree.FindSubkey(current, Tree.Key(current), name);
            if (current == HiveCell.Nil)
            {
                return null;
            }

            path = Combine(path, HiveTree.NameOf(Tree.Key(current)));
        }

        return new RegistryKey(Hive, current, path);
    }

    /// <summary>The parent key, or null for the root.</summary>
    public RegistryKey? GetParent()
    {
        if (IsRoot)
        {
            return null;
        }

        var cut = Path.LastIndexOf('\\');
        return Hive.GetKey(cut < 0 ? string.Empty : Path.Substring(0, cut));
    }

    /// <summary>The values' names, in the order stored ("" is the default value).</summary>
    public IReadOnlyList<string> GetValueNames()
    {
        var names = new List<string>();
        foreach (var value in Tree.ValueOffsets(Offset, Node()))
        {
            names.Add(HiveTree.NameOf(Tree.Value(value)));
        }

        return names;
    }

    /// <summary>The values, in the order stored.</summary>
    public IReadOnlyList<RegistryValue> GetValues()
    {
        var values = new List<RegistryValue>();
        foreach (var value in Tree.ValueOffsets(Offset, Node()))
        {
            values.Add(new RegistryValue(this, value, Tree.Value(value)));
        }

        return values;
    }

    /// <summary>The value named <paramref name="name"/> (case-insensitive; "" is the default value), or null.</summary>
    public RegistryValue? GetValue(string name)
    {
        if (name is null)
        {
            throw new ArgumentNullException(nameof(name));
        }

        return Tree.FindValue(Offset, Node(), name, out var value) < 0 ? null : new RegistryValue(this, value, Tree.Value(value));
    }

    /// <inheritdoc/>
    public override string ToString() => Path.Length == 0 ? "\\" : Path;

    internal HiveTree CurrentTree() => Tree;

    internal static string Combine(string path, string name) => path.Length == 0 ? name : path + "\\" + name;

    private KeyNode Node() => Tree.Key(Offset);
}
