/// Reading a bare data set (no preamble, no File Meta Information) in a known transfer syntax,
/// as DIMSE carries them in P-DATA (PS3.7 §6.3.1, PS3.8 §9.3.5).
extension Part10Reader {
    /// Parses `bytes` as a data set encoded in `syntax`. Deflated syntaxes are inflated first;
    /// empty input gives an empty data set.
    public static func readDataSet(bytes: [UInt8], syntax: TransferSyntax, options: ReadOptions = .loadAll,
                                   name: String = "<data set>") throws -> DataSet {
        if bytes.isEmpty { return DataSet() }
        let source = ByteSource(bytes: bytes, path: name)
        if syntax.isDeflated { try source.startInflating(limit: options.maxInflatedLength) }
        var parser = DataSetParser(source: source, options: options)
        let parsed = try parser.parseDataSet(encoding: .init(explicitVR: syntax.isExplicitVR, bigEndian: syntax.isBigEndian),
                                             end: nil, depth: 0, isItem: false, inherited: nil,
                                             pixelRepresentation: nil, stopBefore: options.stopBefore)
        return parsed.dataSet
    }
}
