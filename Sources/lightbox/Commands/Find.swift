import ArgumentParser
import DICOM
import Network

/// `lightbox find`: C-FIND, like DCMTK's findscu (PS3.4 Annex C).
struct Find: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Query a PACS (C-FIND) for patients, studies, series or images.",
        discussion: """
        Each -k is a key of the query: KEYWORD=VALUE to match, or KEYWORD alone to ask for the \
        attribute back. A keyword is a PS3.6 name such as PatientName; gggg,eeee works too. Values \
        match as PS3.4 §C.2.2.2 says:
          exact             -k PatientID=12345
          wildcards         -k "PatientName=ZHANG*"   -k "PatientName=张?"   (* any run, ? one character)
          date/time ranges  -k StudyDate=20240101-20241231   -k StudyDate=-20231231   -k StudyTime=0800-1200
          UID lists         -k 'StudyInstanceUID=1.2.3\\1.2.4'

        The common return keys of the level are added (Patient's Name and ID, Study Date, \
        Description, Modalities in Study, the UIDs…) unless --no-default-keys. Chinese names are \
        sent in the query's Specific Character Set: --charset GB18030, "ISO 2022 IR 58" or \
        "ISO_IR 192" (UTF-8, the default when a value is not ASCII). Answers are shown in UTF-8 \
        whatever character set the PACS answers in.

        Matches are printed as they arrive: a table (tab-separated, one line per match), or with \
        --json a JSON array in the DICOM JSON model (PS3.18 §F.2), one match per line. The exit \
        status is 0 when the PACS ends with Success, 1 for any other final status, 2 when no \
        association could be made or the PACS stopped answering.

        Examples:
          lightbox find pacs.local 104 --call PACS --level study -k PatientID=12345
          lightbox find pacs.local 104 --call PACS --level patient -k "PatientName=王*" --charset GB18030
          lightbox find pacs.local 104 --call PACS --level series -k StudyInstanceUID=1.2.3 --json
          lightbox find pacs.local 104 --call PACS --level image -k StudyInstanceUID=1.2.3 -k SeriesInstanceUID=1.2.3.4
        """)

    @Argument(help: "PACS host name or address.") var host: String
    @Argument(help: "PACS TCP port.") var port: Int
    @OptionGroup var network: NetworkOptions

    @Option(name: .long, help: "Query level: patient, study, series or image.") var level: String
    @Option(name: .long, help: "Information model: patient (Patient Root) or study (Study Root; the default except at patient level).")
    var model: String?
    @Option(name: .customShort("k"), help: ArgumentHelp("A key: KEYWORD=VALUE to match, KEYWORD to return (repeatable).", valueName: "key"))
    var keys: [String] = []
    @Option(name: .long, help: "Specific Character Set of the query, e.g. GB18030, \"ISO 2022 IR 58\", \"ISO_IR 192\".")
    var charset: String?
    @Flag(name: .customLong("no-default-keys"), help: "Send only the -k keys (and the level).") var noDefaultKeys = false
    @Flag(name: .long, help: "Print matches as a JSON array in the DICOM JSON model.") var json = false
    @Option(name: .customLong("cancel-after"), help: ArgumentHelp("Send C-CANCEL after this many matches.", visibility: .hidden))
    var cancelAfter: Int?
    @Flag(name: .shortAndLong, help: "Do not print the count and status at the end.") var quiet = false

    func validate() throws {
        guard QueryLevel(rawValue: level.uppercased()) != nil else { throw ValidationError("--level wants patient, study, series or image; got \(level)") }
        if let model, QueryRetrieveModel(rawValue: model.lowercased()) == nil { throw ValidationError("--model wants patient or study; got \(model)") }
        if model?.lowercased() == "study" && level.lowercased() == "patient" {
            throw ValidationError("Study Root has no patient level: use --model patient, or --level study")
        }
    }

    func run() async throws {
        let level = QueryLevel(rawValue: level.uppercased())!
        let model = model.flatMap { QueryRetrieveModel(rawValue: $0.lowercased()) } ?? (level == .patient ? .patientRoot : .studyRoot)
        var queryKeys: [QueryKey] = []
        do {
            for k in keys { queryKeys.append(try QueryKey(parsing: k)) }
            if !noDefaultKeys {
                for keyword in level.defaultReturnKeys {
                    let k = try QueryKey(parsing: keyword)
                    if !queryKeys.contains(where: { $0.tag == k.tag }) { queryKeys.append(k) }
                }
            }
        } catch {
            printError("error: -k: \(error)"); throw ExitCode(2)
        }
        let charset = charset ?? (queryKeys.allSatisfy { $0.value.utf8.allSatisfy { $0 < 0x80 } } ? nil : "ISO_IR 192")
        let identifier: DataSet
        do { identifier = try QueryIdentifier.make(level: level, keys: queryKeys, characterSet: charset) } catch {
            printError("error: \(error)"); throw ExitCode(2)
        }

        let columns = queryKeys.map(\.tag)
        let json = self.json
        let pending = PendingLine()
        let outcome: QueryOutcome
        var started = false
        do {
            let client = try network.client(host: host, port: port)
            let a = try await client.associate(contexts: [model.context(.cFindRQ)])
            started = true
            if json { writeOut("[\n") } else {
                writeOut(columns.map { DataDictionary.entry(for: $0)?.keyword.nonEmpty ?? "\($0)" }.joined(separator: "\t") + "\n")
            }
            do {
                outcome = try await a.find(identifier, model: model, cancelAfter: cancelAfter) { match in
                    if json {
                        pending.emit(JSONModelWriter(pretty: false).json(match))
                    } else {
                        writeOut(columns.map { Self.text(match, $0) }.joined(separator: "\t") + "\n")
                    }
                }
                try? await a.release()
            } catch {
                a.abort()
                throw error
            }
        } catch {
            pending.flush(last: true)
            if json && started { writeOut("]\n") }
            printError("error: \(error)")
            throw ExitCode(2)
        }
        pending.flush(last: true)
        if json { writeOut("]\n") }
        if !quiet {
            let note = outcome.undecodable > 0 ? "; \(outcome.undecodable) answer(s) could not be decoded" : ""
            printError("\(outcome.matches) match(es); final status: \(outcome.status)\(outcome.errorComment.map { " — \($0)" } ?? "")\(note)")
        }
        if !outcome.status.isSuccess { throw ExitCode(1) }
    }

    /// A value for the table: text as decoded with the answer's character set, numbers, or the item count of a sequence.
    static func text(_ ds: DataSet, _ tag: Tag) -> String {
        guard let e = ds[tag] else { return "" }
        if case .sequence(let items) = e.value { return "(\(items.count) item\(items.count == 1 ? "" : "s"))" }
        if e.vr.isString {
            return ds.strings(tag).joined(separator: "\\")
        }
        let numbers = ds.ints(tag)
        return numbers.isEmpty ? "" : numbers.map(String.init).joined(separator: "\\")
    }
}

/// Streams the elements of a JSON array one line each: an element is written when the next one
/// comes (so every line but the last ends with a comma), keeping memory at one match.
final class PendingLine: @unchecked Sendable {
    private var held: String?
    func emit(_ line: String) {
        if let held { writeOut(held + ",\n") }
        held = line
    }
    func flush(last: Bool) {
        if let held { writeOut(held + "\n") }
        held = nil
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
