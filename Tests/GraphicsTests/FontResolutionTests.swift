import XCTest
@testable import Graphics

/// Fonts through fontconfig: Latin and CJK families, per-run coverage, typed errors.
final class FontResolutionTests: XCTestCase {
    func library() throws -> FontLibrary { try FontLibrary.shared() }

    func testLatinAndCJKFamiliesResolve() throws {
        let lib = try library()
        let dejavu = try XCTUnwrap(try lib.font(family: "DejaVu Sans"), "fonts-dejavu-core is installed by make deps")
        XCTAssertEqual(dejavu.family, "DejaVu Sans")
        XCTAssertTrue(dejavu.file.hasSuffix(".ttf"), dejavu.file)
        let wqy = try XCTUnwrap(try lib.font(family: "WenQuanYi Micro Hei"), "fonts-wqy-microhei is installed by make deps")
        XCTAssertEqual(wqy.family, "WenQuanYi Micro Hei")
        XCTAssertTrue(wqy.file.hasSuffix("wqy-microhei.ttc"), wqy.file)
        let bold = try XCTUnwrap(try lib.font(family: "DejaVu Sans", weight: .bold))
        XCTAssertTrue(bold.style.contains("Bold"), bold.style)
    }

    func testMissingFamilyIsNotSubstituted() throws {
        XCTAssertNil(try library().font(family: "No Such Family Lightbox"))
        XCTAssertNotNil(try library().font(family: "sans-serif"), "generic names accept fontconfig's choice")
    }

    func testCoverageChoosesFontPerCharacter() throws {
        let lib = try library()
        XCTAssertEqual(try lib.font(covering: "A")?.family, "DejaVu Sans")
        XCTAssertEqual(try lib.font(covering: "王")?.family, "WenQuanYi Micro Hei")
    }

    func testMixedTextSplitsIntoRuns() throws {
        let r = FontResolver(library: try library())
        let runs = try r.runs(for: "王小明 Wang Xiaoming（北京）")
        // The space stays with the run before it when that font has a space.
        XCTAssertEqual(runs.map(\.text), ["王小明 ", "Wang Xiaoming", "（北京）"])
        XCTAssertEqual(runs.map(\.font.family), ["WenQuanYi Micro Hei", "DejaVu Sans", "WenQuanYi Micro Hei"])
        XCTAssertEqual(runs.map(\.text).joined(), "王小明 Wang Xiaoming（北京）")
    }

    func testControlCharactersDoNotBreakRuns() throws {
        let runs = try FontResolver(library: try library()).runs(for: "A\tB\nC\u{0007}")
        XCTAssertEqual(runs.map(\.text), ["A B C"])
    }

    func testUncoverableCharacterIsTypedAndNamed() throws {
        let r = FontResolver(library: try library())
        XCTAssertThrowsError(try r.runs(for: "Name \u{E000}\u{E001}")) { error in
            guard case GraphicsError.noFontCovers(let chars, let scripts, let packages, let text) = error else {
                return XCTFail("expected noFontCovers, got \(error)")
            }
            XCTAssertEqual(chars, [0xE000, 0xE001])
            XCTAssertEqual(scripts, ["Private Use Area"])
            XCTAssertEqual(packages, [])
            XCTAssertEqual(text, "Name \u{E000}\u{E001}")
            let message = "\(error)"
            XCTAssertTrue(message.contains("U+E000"), message)
            XCTAssertTrue(message.contains("Private Use Area"), message)
        }
        XCTAssertEqual(try r.uncoveredCharacters(in: "ok \u{E000}"), ["\u{E000}"])
        XCTAssertEqual(try r.uncoveredCharacters(in: "王 ok"), [])
    }

    func testScriptHintsNamePackages() {
        XCTAssertEqual(ScriptHint.script(of: 0x738B), "Han (CJK Unified Ideographs)")
        XCTAssertEqual(ScriptHint.debianPackage(for: 0x738B), "fonts-wqy-microhei")
        XCTAssertEqual(ScriptHint.debianPackage(for: 0x0041), "fonts-dejavu-core")
        XCTAssertNil(ScriptHint.debianPackage(for: 0xE000))
    }

    func testFontsFolderIsFoundAndOverridable() throws {
        let found = try XCTUnwrap(try FontsFolder.find(environment: [:], executable: nil))
        XCTAssertTrue(FileManager.default.fileExists(atPath: found.appendingPathComponent("fonts.conf").path))
        XCTAssertEqual(try FontsFolder.find(environment: ["LIGHTBOX_FONTS": "/tmp"], executable: nil)?.path, "/tmp")
        XCTAssertThrowsError(try FontsFolder.find(environment: ["LIGHTBOX_FONTS": "/nonexistent/fonts"], executable: nil)) {
            XCTAssertEqual($0 as? GraphicsError, .fontsFolderNotFound(path: "/nonexistent/fonts"))
        }
        XCTAssertNotNil(try library().fontsFolder, "the shared library adds the repository's Fonts folder")
    }

    func testInvalidFontsConfIsTypedError() throws {
        let dir = try temporaryFolder("badconf")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "<fontconfig><alias>".write(to: dir.appendingPathComponent("fonts.conf"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try FontLibrary(fontsFolder: dir)) { error in
            guard case GraphicsError.fontConfiguration(let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("fonts.conf"), reason)
        }
    }
}
