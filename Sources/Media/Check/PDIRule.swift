/// IHE PDI (IHE RAD TF-3 4.47 (RAD-47, media content)): a medium that claims PDI (INDEX.HTM or an IHE_PDI folder at
/// its root) carries README.TXT, and must not rely on autorun: AUTORUN.INF present is noted. On a
/// medium that does not claim PDI these rules are only warnings.
struct PDIRule: CheckRule {
    static let clause = "IHE RAD TF-3 4.47 (RAD-47, media content)"

    func check(_ context: CheckContext) -> [CheckFinding] {
        let names = context.rootNames
        let claims = names.contains("INDEX.HTM") || names.contains("IHE_PDI")
        var out: [CheckFinding] = []
        if !names.contains("README.TXT") {
            out.append(CheckFinding(claims ? .error : .warning, "noReadme",
                                    claims
                                        ? "The disc presents itself as an IHE PDI disc (INDEX.HTM or IHE_PDI) but has no README.TXT saying who made it and how to view it."
                                        : "The disc has no README.TXT saying who made it and how to view it (IHE PDI asks for one).",
                                    clause: Self.clause))
        }
        if names.contains("AUTORUN.INF") {
            out.append(CheckFinding(.note, "autorun",
                                    "The disc carries AUTORUN.INF; it must still work when autorun is switched off, as it is in most hospitals.",
                                    clause: Self.clause, files: ["AUTORUN.INF"]))
        }
        return out
    }
}
