namespace ImageOps.Formats.Inf;

/// <summary>
/// Stable codes of the conditions the INF reader reports. The names are part of the contract: scripts
/// and the CLI's JSON match on them, so they are never renamed. The same codes name the reason of an
/// <see cref="InfMalformedException"/> when a condition makes the file unreadable.
/// </summary>
public enum InfDiagnosticCode
{
    // ----- Text and encoding -----

    /// <summary>UTF-16LE text without a byte order mark, recognised by its pattern of NUL bytes.</summary>
    Utf16WithoutByteOrderMark,

    /// <summary>Big-endian UTF-16; SetupAPI reads only little-endian Unicode INFs.</summary>
    Utf16BigEndian,

    /// <summary>UTF-8 without a byte order mark; Windows reads such a file in the ANSI code page.</summary>
    Utf8WithoutByteOrderMark,

    /// <summary>Bytes that are not valid UTF-8 in a file marked as UTF-8; they were replaced by U+FFFD.</summary>
    InvalidUtf8,

    /// <summary>8-bit text that is not UTF-8, decoded as Windows-1252.</summary>
    AnsiCodePageAssumed,

    /// <summary>UTF-16 text with an odd number of bytes; the last byte was ignored.</summary>
    OddUtf16Length,

    /// <summary>NUL characters in the text; they were read as spaces, as SetupAPI does.</summary>
    NulCharacter,

    /// <summary>A Ctrl-Z (0x1A) character; SetupAPI treats it as the end of the file and ignores the rest.</summary>
    EndOfFileMarker,

    // ----- Syntax -----

    /// <summary>An entry before the first section header; it belongs to no section and is ignored.</summary>
    EntryOutsideSection,

    /// <summary>A section header without its closing bracket on the same line. Unreadable: thrown.</summary>
    UnterminatedSectionHeader,

    /// <summary>A section name longer than the 255 characters Windows allows. Unreadable: thrown.</summary>
    SectionNameTooLong,

    /// <summary>Text other than a comment after a section header's closing bracket; it is ignored.</summary>
    SectionHeaderTrailingText,

    /// <summary>A section name with leading or trailing spaces inside the brackets; the spaces are part of the name.</summary>
    SectionNameWhitespace,

    /// <summary>A section header that repeats an earlier one; Windows merges their entries in order.</summary>
    DuplicateSection,

    /// <summary>A quoted string without its closing quote; the string runs to the end of the line.</summary>
    UnterminatedQuote,

    /// <summary>A line continuation backslash at the very end of the file; it is ignored.</summary>
    ContinuationAtEndOfFile,

    /// <summary>A field longer than the 4096 characters (with its terminating NUL) Windows allows.</summary>
    FieldTooLong,

    // ----- Limits (thrown) -----

    /// <summary>The file is larger than the configured maximum. Thrown.</summary>
    FileTooLarge,

    /// <summary>A physical or continued line is longer than the configured maximum. Thrown.</summary>
    LineTooLong,

    /// <summary>More section headers than the configured maximum. Thrown.</summary>
    TooManySections,

    /// <summary>More entries than the configured maximum. Thrown.</summary>
    TooManyEntries,

    /// <summary>More fields than the configured maximum. Thrown.</summary>
    TooManyFields,

    /// <summary>String substitution produced more text than the configured budget. Thrown.</summary>
    SubstitutionBudgetExceeded,

    /// <summary>More diagnostics than the configured maximum; the rest were counted but not kept.</summary>
    TooManyDiagnostics,

    // ----- Strings -----

    /// <summary>A <c>%strkey%</c> token with no definition in the chosen Strings section; it is left as written.</summary>
    UnknownStringKey,

    /// <summary>A single <c>%</c> without a closing one; the text is left as written.</summary>
    UnterminatedStringToken,

    /// <summary>A string longer than 4096 characters after substitution (the Windows limit).</summary>
    StringTooLong,

    /// <summary>A Strings key defined twice; the first definition is used, as SetupAPI does.</summary>
    DuplicateStringKey,

    /// <summary>A Strings value made of several comma-separated fields; only the first is the value.</summary>
    StringValueHasMultipleFields,

    /// <summary>No Strings section matches the requested language and there is no neutral <c>[Strings]</c>.</summary>
    NoMatchingStringsSection,

    // ----- Templates -----

    /// <summary>A stampinf placeholder such as <c>$ARCH$</c>: the file is an .inx template, not a stamped INF.</summary>
    TemplatePlaceholder,

    // ----- Version -----

    /// <summary>No <c>[Version]</c> section: Windows does not accept the file as an INF.</summary>
    MissingVersionSection,

    /// <summary>A Signature other than <c>$Windows NT$</c> or <c>$Chicago$</c>: Windows does not accept the file.</summary>
    InvalidSignature,

    /// <summary>A device INF without a Class entry.</summary>
    MissingClass,

    /// <summary>A ClassGuid that is not a braced GUID.</summary>
    InvalidClassGuid,

    /// <summary>A device INF without a Provider entry.</summary>
    MissingProvider,

    /// <summary>No DriverVer in <c>[Version]</c> (stampinf fills it in templates).</summary>
    MissingDriverVer,

    /// <summary>A DriverVer whose date or version does not follow <c>mm/dd/yyyy,w.x.y.z</c>.</summary>
    InvalidDriverVer,

    /// <summary>No CatalogFile entry: Windows treats the package as unsigned.</summary>
    MissingCatalogFile,

    /// <summary>A number (flags, start type, dirid, disk id) that is not decimal or 0x-hexadecimal.</summary>
    InvalidNumber,

    // ----- Manufacturer and models -----

    /// <summary>A Manufacturer entry without a models section name.</summary>
    InvalidManufacturerEntry,

    /// <summary>A TargetOSVersion decoration that does not follow <c>NT[arch][.major[.minor[.type[.suite[.build]]]]]</c>.</summary>
    InvalidTargetOsVersion,

    /// <summary>A models section named by the Manufacturer section (with a decoration) does not exist.</summary>
    ModelsSectionMissing,

    /// <summary>A models entry without an install section name.</summary>
    InvalidModelEntry,

    /// <summary>No install section (undecorated or decorated) exists for a name a models entry uses.</summary>
    InstallSectionMissing,

    /// <summary>No models section applies to the requested platform.</summary>
    NoModelsForPlatform,

    // ----- Install sections, files and services -----

    /// <summary>A CopyFiles directive names a file-list section that does not exist.</summary>
    CopyFilesSectionMissing,

    /// <summary>A copied file has no SourceDisksFiles entry for the platform, so Windows cannot locate it.</summary>
    FileNotInSourceDisksFiles,

    /// <summary>A SourceDisksFiles entry names a disk id that SourceDisksNames does not define.</summary>
    SourceDiskNotDefined,

    /// <summary>A copy has no DestinationDirs entry and no DefaultDestDir.</summary>
    DestinationDirMissing,

    /// <summary>An AddService directive names a service-install section that does not exist.</summary>
    ServiceInstallSectionMissing,

    /// <summary>A service-install section lacks ServiceType, StartType, ErrorControl or ServiceBinary.</summary>
    ServiceMissingRequiredEntry,

    /// <summary>A service is in a load order group used only for boot-start drivers but is not boot-start.</summary>
    BootGroupWithoutBootStart,

    /// <summary>An Include names an INF that is not in the package (normally a system INF under %windir%\inf).</summary>
    IncludedInfNotInPackage,

    /// <summary>Include directives form a cycle; the repeated INF is not read again.</summary>
    IncludeCycle,

    /// <summary>Include directives nest deeper than the configured limit; deeper INFs are not read.</summary>
    IncludeDepthExceeded,

    /// <summary>A Needs section is not in this INF nor in any included INF of the package.</summary>
    NeedsSectionNotFound,

    /// <summary>A Needs section is expected in an included system INF, which is not part of the package.</summary>
    NeedsResolvedExternally,

    /// <summary>A section with Needs (naming a section of another INF) has no Include in the same section.</summary>
    NeedsWithoutInclude,

    /// <summary>A Needs inside a section reached through Needs; Windows does not nest Needs, so it is ignored.</summary>
    NestedNeedsIgnored,

    /// <summary>A file reference with <c>..</c>, a drive, a UNC or rooted path, a stream (<c>:</c>), a device name or invalid characters.</summary>
    UnsafeFileReference,

    /// <summary>A file the INF needs for the platform is not in the package.</summary>
    ReferencedFileMissing,

    /// <summary>The INF installs nothing: it has neither a Manufacturer section nor a DefaultInstall section.</summary>
    NoInstallableSections,
}
