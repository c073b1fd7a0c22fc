import CCairo

/// Page and film composition on Cairo. See docs/architecture.md.
public enum Graphics {
    /// The Cairo library version in use, e.g. "1.16.0".
    public static var cairoVersion: String { String(cString: cairo_version_string()) }
}
