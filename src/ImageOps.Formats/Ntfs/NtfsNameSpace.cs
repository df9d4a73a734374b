namespace ImageOps.Formats.Ntfs;

/// <summary>The namespace of a $FILE_NAME (libfsntfs §7.3.1 "Namespace").</summary>
internal enum NtfsNameSpace : byte
{
    Posix = 0,
    Win32 = 1,
    Dos = 2,
    Win32AndDos = 3,
}
