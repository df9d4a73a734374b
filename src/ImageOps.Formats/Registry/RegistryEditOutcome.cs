namespace ImageOps.Formats.Registry;

/// <summary>What applying a <see cref="RegistryEdit"/> did.</summary>
public enum RegistryEditOutcome
{
    /// <summary>The key or value did not exist and was created.</summary>
    Created,

    /// <summary>The value existed with another type or data and was changed.</summary>
    Changed,

    /// <summary>The key existed, or the value already had this type and data: nothing was written.</summary>
    Unchanged,

    /// <summary>The key or value existed and was deleted.</summary>
    Deleted,

    /// <summary>The key or value to delete did not exist: nothing was written.</summary>
    NotPresent,
}
