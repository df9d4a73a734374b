namespace ImageOps.Formats.Ntfs;

/// <summary>The namespace of a $FILE_NAME (libfsntfs, "The file name attribute", "Namespace").</summary>
internal enum NtfsNameSpace : byte
{
    Posix = 0,
    Win32 = 1,
    Dos = 2,
    Win32AndDos = 3,
}
