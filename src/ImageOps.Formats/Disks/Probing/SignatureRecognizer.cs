using System;
using System.Text;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Probing;

/// <summary>Recognises a format by fixed bytes at a fixed offset (negative: from the end of the file).</summary>
public sealed class SignatureRecognizer : IFormatRecognizer
{
    private readonly long _offset;
    private readonly byte[] _signature;

    /// <summary>Creates a recognizer for <paramref name="signature"/> at <paramref name="offset"/>.</summary>
    public SignatureRecognizer(string name, long offset, byte[] signature)
    {
        Name = name;
        _offset = offset;
        _signature = signature;
    }

    /// <summary>Creates a recognizer for an ASCII signature.</summary>
    public SignatureRecognizer(string name, long offset, string ascii)
        : this(name, offset, Encoding.ASCII.GetBytes(ascii))
    {
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Formats ImageOps recognises but does not read (magic values from their public specifications and qemu's block drivers).</summary>
    public static IFormatRecognizer[] KnownUnsupported { get; } =
    {
        new SignatureRecognizer("Bochs", 0, "Bochs Virtual HD Image"),
        new SignatureRecognizer("Parallels", 0, "WithoutFreeSpace"),
        new SignatureRecognizer("Parallels", 0, "WithouFreSpacExt"),
        new SignatureRecognizer("cloop", 0, "#!/bin/sh\n#V2.0 Format"),
        new SignatureRecognizer("VirtualBox VDI", 0x40, new byte[] { 0x7f, 0x10, 0xda, 0xbe }),
        new SignatureRecognizer("QED", 0, "QED\0"),
        new SignatureRecognizer("QCOW (version 1)", 0, new byte[] { (byte)'Q', (byte)'F', (byte)'I', 0xfb, 0, 0, 0, 1 }),
        new SignatureRecognizer("Apple DMG", -512, "koly"),
        new SignatureRecognizer("VMware VMDK (COWD, ESX 2)", 0, "COWD"),
    };

    /// <inheritdoc />
    public bool Recognize(IBlockStorage storage)
    {
        try
        {
            var at = _offset >= 0 ? _offset : storage.Length + _offset;
            if (at < 0 || at > storage.Length - _signature.Length)
            {
                return false;
            }

            var buffer = new byte[_signature.Length];
            return storage.ReadAt(at, buffer) == buffer.Length && buffer.AsSpan().SequenceEqual(_signature);
        }
        catch (System.IO.IOException)
        {
            return false;
        }
    }
}
