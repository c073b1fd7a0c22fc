import ArgumentParser
import DICOM
import Foundation
import Media

/// `lightbox dicomdir`: write the DICOMDIR of a file set tree in place, like DCMTK's `dcmmkdir`.
struct DICOMDIRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dicomdir",
        abstract: "Build the DICOMDIR of a folder whose files already have PS3.10 names (like dcmmkdir).",
        discussion: """
        Reads the header of every file below DIR (pixel data is never read), groups them patient → \
        study → series → instance and writes DIR/DICOMDIR (Basic Directory, PS3.3 Annex F; Explicit \
        VR Little Endian; written to a temporary file and renamed). Files must already be named as \
        PS3.10 File IDs: up to 8 folder levels, each name 1–8 of A–Z 0–9 _, no extension \
        (e.g. DICOM/PAT00001/STU00001/SER00001/IMG00001); other names are reported, not renamed.

        Files are rejected (and the exit status is 1) when they are not DICOM, lack a Type 1 \
        directory key (Patient ID, Study Instance UID, Study Date/Time/ID, Series Instance UID, \
        Series Number, Modality, Instance Number …), use a transfer syntax the profile does not \
        allow, or repeat a SOP Instance UID with different content. Byte-identical copies of one \
        instance are listed once. The DICOMDIR is still written for the files that were accepted.

        With --invent, missing keys are made up as dcmmkdir +I does (Patient ID from a hash of the \
        name, Study/Series Instance UIDs derived from the other keys, numbers in order), and every \
        invented value is listed; the files themselves are not changed.

        Profiles (PS3.11): STD-GEN-CD (default; Explicit VR LE only), STD-GEN-DVD-JPEG, \
        STD-GEN-DVD-J2K, STD-GEN-USB-JPEG, STD-GEN-USB-J2K, STD-GEN-BD(-JPEG/-J2K), STD-GEN-DVD-RAM, \
        STD-GEN-MIME (any transfer syntax). They are read from Media/profiles (LIGHTBOX_DATA_DIR \
        overrides where Media/ is found).

        Examples:
          lightbox synth --no-extension /tmp/disc/DICOM && lightbox dicomdir /tmp/disc
          lightbox dicomdir /media/usb --profile STD-GEN-USB-JPEG --fileset-id CLINIC_A
          lightbox dicomdir /tmp/disc --invent    # make up missing keys
          lightbox dicomdir /tmp/disc --append    # add new files' records
        """)

    @Argument(help: "The file set's root folder; DICOMDIR is written here.", completion: .directory)
    var dir: String

    @Option(name: [.customLong("fileset-id")], help: "File-set ID (0004,1130): up to 16 of A–Z 0–9 _ (default: empty, or the existing one with --append).")
    var fileSetID: String?

    @Option(name: .long, help: "Application profile (PS3.11) the files must conform to.")
    var profile = "STD-GEN-CD"

    @Flag(name: .long, help: "Make up missing Type 1 keys (listed in the output) instead of rejecting the file.")
    var invent = false

    @Flag(name: .long, help: "Keep the existing DICOMDIR's File-set ID and UID and add records for files it does not reference yet.")
    var append = false

    @Flag(name: [.short, .long], help: "List every accepted file.")
    var verbose = false

    func validate() throws {
        if let id = fileSetID {
            do { try DICOMDIRBuilder.validate(fileSetID: id) } catch { throw ValidationError("\(error)") }
        }
    }

    func run() throws {
        let root = dir.count > 1 && dir.hasSuffix("/") ? String(dir.dropLast()) : dir
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            printError("error: \(root) is not a folder"); throw ExitCode(2)
        }
        let catalog: ProfileCatalog
        do { catalog = try ProfileCatalog.loadDefault() } catch { printError("error: \(error)"); throw ExitCode(2) }
        guard let chosen = catalog.profile(profile) else {
            printError("error: \(ProfileError.unknownProfile(profile, known: catalog.profiles.map(\.id)))"); throw ExitCode(2)
        }
        let dicomdirPath = root + "/DICOMDIR"

        var existing: DICOMDIRContents? = nil
        if append {
            if FileManager.default.fileExists(atPath: dicomdirPath) {
                do { existing = try DICOMDIRContents.read(path: dicomdirPath) } catch {
                    printError("error: cannot read the existing DICOMDIR: \(error)"); throw ExitCode(2)
                }
            } else {
                printError("note: \(dicomdirPath) does not exist yet; creating it")
            }
        }

        let scanner = FileSetScanner(options: .init(invent: invent, profile: chosen, root: root))
        let result = scanner.scan([root])
        for d in result.duplicates { printError("duplicate: \(d)") }
        for w in result.warnings { printError("warning: \(w)") }
        for v in result.invented { print("invented: \(v)") }
        for r in result.rejections { printError("rejected: \(r)") }
        if !invent, result.rejections.contains(where: { if case .missingKey = $0 { return true } else { return false } }) {
            printError("hint: --invent makes up missing keys in the DICOMDIR (each listed; the files are unchanged)")
        }

        let fileSet = result.fileSet
        guard fileSet.instanceCount > 0 else {
            printError("error: no usable DICOM files below \(root); nothing written"); throw ExitCode(1)
        }
        var added = fileSet.instanceCount
        if let existing {
            let before = Set(existing.referencedFileIDs.map { $0.joined(separator: "/") })
            let now = Set(fileSet.instances.compactMap { $0.fileID?.path })
            added = now.subtracting(before).count
            for gone in before.subtracting(now).sorted() {
                printError("warning: the existing DICOMDIR references \(gone), which is missing or rejected now; its record is dropped")
            }
        }
        do {
            let builder = try DICOMDIRBuilder(fileSetID: fileSetID ?? existing?.fileSetID ?? "",
                                              fileSetUID: existing?.fileSetUID)
            try builder.write(fileSet, to: dicomdirPath)
        } catch {
            printError("error: \(error)"); throw ExitCode(2)
        }
        if verbose { for i in fileSet.instances { print("  \(i.fileID?.path ?? i.path)  \(i.recordType.rawValue)") } }
        let counts = "\(fileSet.patients.count) patient(s), \(fileSet.patients.reduce(0) { $0 + $1.studies.count }) study(ies), \(fileSet.instanceCount) instance(s)"
        print("wrote \(dicomdirPath): \(counts)\(existing != nil ? ", \(added) new" : "") [\(chosen.id)]")
        if !result.rejections.isEmpty {
            printError("\(result.rejections.count) file(s) rejected and left out of the DICOMDIR (see above)")
            throw ExitCode(1)
        }
    }
}
