import Foundation
@testable import Media
import XCTest

/// `OpticalDrive` decisions from parsed xorriso output, and the burn path end to end on xorriso's
/// `stdio:` pseudo-drive (there is no optical drive on the test machine).
final class OpticalDriveTests: MediaOutputTestCase {
    func testParsesDrivesAndMedia() {
        let drives = OpticalDriveInfo.parse(devicesOutput: [
            "0  -dev '/dev/sr0' rwrw-- :  'HL-DT-ST' 'DVDRAM GH24NSD1'",
            "1  -dev '/dev/sr1' rwrw-- :  'ASUS    ' 'BW-16D1HT'",
        ])
        XCTAssertEqual(drives, [OpticalDriveInfo(device: "/dev/sr0", vendor: "HL-DT-ST", product: "DVDRAM GH24NSD1"),
                                OpticalDriveInfo(device: "/dev/sr1", vendor: "ASUS", product: "BW-16D1HT")])
        let blankCD = OpticalMedium.parse(tocOutput: [
            "Drive current: -outdev '/dev/sr0'", "Media current: CD-R", "Media status : is blank",
            "Media summary: 0 sessions, 0 data blocks, 0 data,  703m free", "Media space  : 359846s"])
        XCTAssertEqual(blankCD, OpticalMedium(profile: "CD-R", state: .blank, overwriteable: false, freeBytes: 359_846 * 2048))
        let stdio = OpticalMedium.parse(tocOutput: ["Media current: stdio file, overwriteable", "Media status : is written , is appendable", "Media space  : 100s"])
        XCTAssertEqual(stdio, OpticalMedium(profile: "stdio file", state: .appendable, overwriteable: true, freeBytes: 204_800))
        XCTAssertEqual(OpticalMedium.parse(tocOutput: ["Media current: is not present", "Media status : is not present"]).state, .absent)
        XCTAssertEqual(OpticalDrive.megabytesWritten("xorriso : UPDATE :   12 of  700 MB written (fifo 95%) [buf 100%]"), 12)
        XCTAssertNil(OpticalDrive.megabytesWritten("xorriso : NOTE : something"))
    }

    func testBurnDecisions() throws {
        let cd = OpticalMedium(profile: "CD-R", state: .blank, overwriteable: false, freeBytes: 700 << 20)
        XCTAssertNoThrow(try cd.checkBurn(of: 650 << 20, device: "/dev/sr0"))
        assertThrows(OpticalDriveError.mediumTooSmall(device: "/dev/sr0", needed: 800 << 20, free: 700 << 20)) {
            try cd.checkBurn(of: 800 << 20, device: "/dev/sr0")
        }
        var used = cd
        used.state = .appendable
        assertThrows(OpticalDriveError.mediumNotBlank(device: "/dev/sr0", state: "CD-R, appendable")) { try used.checkBurn(of: 1, device: "/dev/sr0") }
        used.state = .closed
        assertThrows(OpticalDriveError.mediumNotBlank(device: "/dev/sr0", state: "CD-R, closed")) { try used.checkBurn(of: 1, device: "/dev/sr0") }
        let dvdrw = OpticalMedium(profile: "DVD+RW", state: .closed, overwriteable: true, freeBytes: 4_700_000_000)
        XCTAssertNoThrow(try dvdrw.checkBurn(of: 1 << 30, device: "/dev/sr0"))
        let none = OpticalMedium(profile: "", state: .absent, overwriteable: false, freeBytes: 0)
        assertThrows(OpticalDriveError.noMedium(device: "/dev/sr0")) { try none.checkBurn(of: 1, device: "/dev/sr0") }
        XCTAssertTrue(OpticalDriveError.mediumTooSmall(device: "d", needed: 2, free: 1).description.contains("larger disc"))
    }

    /// A drive address with no device behind it is refused with xorriso's reason and the address,
    /// whatever drives the machine has; and the "no drive" error says what to do instead.
    func testAbsentDriveIsRefused() throws {
        let device = "/dev/lightbox-no-such-drive-\(getpid())"
        XCTAssertFalse(FileManager.default.fileExists(atPath: device))
        do {
            let m = try OpticalDrive(device: device).medium()
            XCTFail("\(device) has no device behind it, yet reported a medium: \(m)")
        } catch {
            guard case .xorriso(let operation, let messages) = error else { return XCTFail("expected .xorriso, got \(error)") }
            XCTAssertTrue(operation.contains(device), operation)
            XCTAssertTrue(messages.contains { $0.contains(device) && $0.contains("not existing") }, "\(messages)")
        }
        let none = OpticalDriveError.noOpticalDrive.description
        XCTAssertTrue(none.hasPrefix("no optical drive found"), none)
        XCTAssertTrue(none.contains("-o") && none.contains("--usb"), "the error names the alternatives: \(none)")
    }

    /// `list()` on this machine: with no /dev/sr* device it must throw `.noOpticalDrive`; with
    /// one, each drive it lists must be a device that exists (no skip either way).
    func testListMatchesTheDevicesOfThisMachine() throws {
        let optical = try FileManager.default.contentsOfDirectory(atPath: "/dev").filter { $0.hasPrefix("sr") }
        if optical.isEmpty {
            assertThrows(OpticalDriveError.noOpticalDrive) { try OpticalDrive.list() }
        } else {
            switch Result(catching: { () throws(OpticalDriveError) -> [OpticalDriveInfo] in try OpticalDrive.list() }) {
            case .success(let drives):
                for d in drives { XCTAssertTrue(FileManager.default.fileExists(atPath: d.device), d.device) }
            case .failure(let error):
                // /dev/sr* exists but libburn cannot open it (no permission, or a container): the
                // same answer a user gets, with the same advice.
                XCTAssertEqual(error, .noOpticalDrive)
            }
        }
    }

    func testBurnImageToPseudoDriveAndVerify() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        let contents = try StagedFixture.write(to: staged)
        let image = path("disc.iso")
        try ISOImageWriter(options: ISOImageOptions(volumeID: "BURNED")).write(folder: staged.path, to: image)
        let drive = OpticalDrive(device: "stdio:" + path("drive.bin"))
        let blank = try drive.medium()
        XCTAssertEqual(blank.profile, "stdio file")
        XCTAssertEqual(blank.state, .blank)
        XCTAssertTrue(blank.overwriteable)
        XCTAssertGreaterThan(blank.freeBytes, 1 << 20)
        try drive.burn(image: image)
        XCTAssertEqual(try drive.medium().state, .appendable)
        let disc = try ISOVolume(imagePath: path("drive.bin"))
        XCTAssertEqual(disc.volumeID, "BURNED")
        for (p, bytes) in contents { XCTAssertEqual(try disc.readFile(p), bytes, p) }
        // A different image does not verify against this disc.
        try Data("other".utf8).write(to: tmp.appendingPathComponent("other.iso"))
        XCTAssertThrowsError(try drive.verify(image: path("other.iso")))
        assertThrows(OpticalDriveError.imageMissing(path: path("none.iso"))) { try drive.burn(image: path("none.iso")) }
    }

    func testBurnFolderToPseudoDriveWithLevel1Settings() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        let contents = try StagedFixture.write(to: staged)
        let drive = OpticalDrive(device: "stdio:" + path("tree.bin"))
        try drive.burn(folder: staged.path, options: ISOImageOptions(volumeID: "TREE", fixedTimestamp: Date(timeIntervalSince1970: 1_700_000_000)))
        let disc = try ISOVolume(imagePath: path("tree.bin"))
        XCTAssertEqual(disc.volumeID, "TREE")
        XCTAssertTrue(disc.isLevel1, "\(disc.level1Problems)")
        XCTAssertFalse(disc.hasRockRidge)
        XCTAssertFalse(disc.hasJoliet)
        XCTAssertEqual(Set(try disc.files().map(\.path)), Set(contents.keys))
        // The libisofs writer still works after xorriso ran in the same process.
        try ISOImageWriter(options: ISOImageOptions(volumeID: "AFTER")).write(folder: staged.path, to: path("after.iso"))
        XCTAssertEqual(try ISOVolume(imagePath: path("after.iso")).volumeID, "AFTER")
    }

    func testRefusesAMediumThatIsTooSmall() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        try StagedFixture.write(to: staged)
        try Data(count: 3 << 20).write(to: staged.appendingPathComponent("DICOM/BIG"))
        let image = path("big.iso")
        try ISOImageWriter(options: ISOImageOptions(volumeID: "BIG")).write(folder: staged.path, to: image)
        let mount = try SmallFileSystem(megabytes: 1)
        defer { mount.remove() }
        let drive = OpticalDrive(device: "stdio:" + mount.path + "/drive.bin")
        do {
            try drive.burn(image: image)
            XCTFail("burned 3 MiB onto 1 MiB")
        } catch {
            guard case .mediumTooSmall(_, let needed, let free) = error else { return XCTFail("\(error)") }
            XCTAssertGreaterThan(needed, 3 << 20)
            XCTAssertLessThan(free, 2 << 20)
        }
    }
}
