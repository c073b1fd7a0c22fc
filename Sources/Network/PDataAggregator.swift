import NIOCore

/// A complete DIMSE message received over P-DATA (PS3.7 §6.3, PS3.8 Annex E).
public struct DIMSEMessage: Sendable {
    public var contextID: UInt8
    public var command: DIMSECommand
    public var dataSet: ReceivedDataSet?
}

/// Reassembles DIMSE messages from presentation data values (PS3.8 Annex E): command fragments
/// are collected in memory (command sets are small); data set fragments go to a sink chosen when
/// the command is complete, so a large data set is never held whole.
final class PDataAggregator {
    /// Largest command set accepted.
    static let maxCommandLength = 64 * 1024

    private var commandBytes: [UInt8] = []
    private var commandContext: UInt8?
    private var pending: (contextID: UInt8, command: DIMSECommand, sink: DataSetSink)?

    /// Chooses where a data set goes once its command is known.
    let makeSink: (DIMSECommand, UInt8) throws -> DataSetSink

    init(makeSink: @escaping (DIMSECommand, UInt8) throws -> DataSetSink) { self.makeSink = makeSink }

    /// Takes one PDV; returns a message when it completes one.
    func append(_ pdv: PresentationDataValue) throws -> DIMSEMessage? {
        if pdv.isCommand {
            guard pending == nil else { throw DIMSEError.unexpectedFragment(reason: "command fragment while a data set is expected") }
            if let c = commandContext, c != pdv.contextID {
                throw DIMSEError.unexpectedFragment(reason: "command fragment on context \(pdv.contextID), expected \(c)")
            }
            guard commandBytes.count + pdv.data.readableBytes <= Self.maxCommandLength else {
                throw DIMSEError.malformedCommandSet(reason: "longer than \(Self.maxCommandLength) bytes")
            }
            commandContext = pdv.contextID
            commandBytes.append(contentsOf: pdv.data.readableBytesView)
            guard pdv.isLast else { return nil }
            let command = try DIMSECommand(encoded: commandBytes)
            commandBytes = []
            commandContext = nil
            if !command.hasDataSet { return DIMSEMessage(contextID: pdv.contextID, command: command, dataSet: nil) }
            pending = (pdv.contextID, command, try makeSink(command, pdv.contextID))
            return nil
        }
        guard let p = pending else { throw DIMSEError.unexpectedFragment(reason: "data set fragment without a command") }
        guard p.contextID == pdv.contextID else {
            throw DIMSEError.unexpectedFragment(reason: "data set fragment on context \(pdv.contextID), command was on \(p.contextID)")
        }
        try p.sink.write(pdv.data)
        guard pdv.isLast else { return nil }
        pending = nil
        return DIMSEMessage(contextID: p.contextID, command: p.command, dataSet: try p.sink.finish())
    }

    /// Drops a partial message (association ended).
    func cancel() {
        pending?.sink.cancel()
        pending = nil
        commandBytes = []
    }
}
