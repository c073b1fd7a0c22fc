/// Patients and free text for synthetic studies, in the language the character set can hold.
///
/// Chinese names are common surnames and given names in simplified characters (all in GB 2312,
/// so `\ISO 2022 IR 58` can write them). GBK and GB18030 add given names with characters whose
/// second GBK byte is 0x5C — '\', the DICOM value delimiter — such as 誠 (D5 5C), 錦 (E5 5C) and
/// 運 (DF 5C): a reader that splits values before decoding breaks them. The first patient always
/// gets one of those when the character set can hold it. GB18030 and UTF-8 add 䶮 (not in GBK).

struct SyntheticPatient: Sendable {
    let name: String
    let id: String
    let sex: String
    let birthDate: CivilDate
    let heightMetres: Double
    let weightKg: Double

    /// Age String (AS) on a date: "045Y", or months/weeks/days for the very young.
    func age(on date: CivilDate) -> String {
        var years = date.year - birthDate.year
        if (date.month, date.day) < (birthDate.month, birthDate.day) { years -= 1 }
        func three(_ n: Int) -> String { String(1000 + min(max(n, 0), 999)).dropFirst().description }
        if years >= 2 { return three(years) + "Y" }
        let days = date.days - birthDate.days
        if days >= 60 { return three(days / 30) + "M" }
        return three(days) + "D"
    }

    init(seed: UInt64, index: Int, characterSet: SynthesisOptions.CharacterSet, style: SynthesisOptions.NameStyle) {
        var rng = SplitMix64(seed: SplitMix64.mix(seed, UInt64(index), 0x5041_5449_454E_54))
        let female: Bool
        if characterSet == .latin1 {
            let n = Names.european[rng.int(0 ... Names.european.count - 1)]
            name = n.family + "^" + n.given
            female = n.female
        } else {
            let surname = Names.surnames[rng.int(0 ... Names.surnames.count - 1)]
            let pool: [Names.Given]
            switch characterSet {
            case .gbk: pool = Names.given + Names.givenGBK
            case .gb18030, .utf8: pool = Names.given + Names.givenGBK + Names.givenGB18030
            case .iso2022IR58, .ascii, .latin1: pool = Names.given
            }
            let hasTrail5C = [SynthesisOptions.CharacterSet.gbk, .gb18030, .utf8].contains(characterSet)
            let given = index == 0 && hasTrail5C
                ? Names.givenGBK.filter(\.trail5C)[rng.int(0 ... Names.givenGBK.filter(\.trail5C).count - 1)]
                : pool[rng.int(0 ... pool.count - 1)]
            female = given.female
            name = Names.personName(family: surname, given: (given.hanzi, given.pinyin),
                                    style: characterSet == .ascii ? .pinyin : style)
        }
        sex = female ? "F" : "M"
        id = "LB" + String(rng.int(1000 ... 9999)) + pad5(index + 1)
        birthDate = CivilDate(days: CivilDate(year: 1940, month: 1, day: 1).days + rng.int(0 ... 26_000))
        heightMetres = ((female ? rng.uniform(1.50, 1.72) : rng.uniform(1.60, 1.88)) * 100).rounded() / 100
        weightKg = (female ? rng.uniform(45, 80) : rng.uniform(55, 95)).rounded()
    }
}

enum Names {
    struct Given: Sendable { let hanzi: String; let pinyin: String; let female: Bool; var trail5C = false }

    static let surnames: [(hanzi: String, pinyin: String)] = [
        ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
        ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"), ("徐", "Xu"), ("孙", "Sun"),
        ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"),
        ("高", "Gao"), ("罗", "Luo"), ("欧阳", "Ouyang"), ("司马", "Sima"),
    ]

    /// In GB 2312.
    static let given: [Given] = [
        Given(hanzi: "小东", pinyin: "Xiaodong", female: false), Given(hanzi: "伟", pinyin: "Wei", female: false),
        Given(hanzi: "娜", pinyin: "Na", female: true), Given(hanzi: "静", pinyin: "Jing", female: true),
        Given(hanzi: "洋", pinyin: "Yang", female: false), Given(hanzi: "帆", pinyin: "Fan", female: false),
        Given(hanzi: "丽", pinyin: "Li", female: true), Given(hanzi: "磊", pinyin: "Lei", female: false),
        Given(hanzi: "秀英", pinyin: "Xiuying", female: true), Given(hanzi: "建华", pinyin: "Jianhua", female: false),
        Given(hanzi: "志强", pinyin: "Zhiqiang", female: false), Given(hanzi: "海燕", pinyin: "Haiyan", female: true),
        Given(hanzi: "敏", pinyin: "Min", female: true), Given(hanzi: "军", pinyin: "Jun", female: false),
        Given(hanzi: "桂英", pinyin: "Guiying", female: true), Given(hanzi: "晓明", pinyin: "Xiaoming", female: false),
        Given(hanzi: "婷", pinyin: "Ting", female: true), Given(hanzi: "子涵", pinyin: "Zihan", female: true),
        Given(hanzi: "浩然", pinyin: "Haoran", female: false), Given(hanzi: "雨桐", pinyin: "Yutong", female: true),
    ]

    /// In GBK but not GB 2312; the first four have a character with second byte 0x5C.
    static let givenGBK: [Given] = [
        Given(hanzi: "志誠", pinyin: "Zhicheng", female: false, trail5C: true),   // D6 BE D5 5C
        Given(hanzi: "嘉誠", pinyin: "Jiacheng", female: false, trail5C: true),   // BC CE D5 5C
        Given(hanzi: "錦華", pinyin: "Jinhua", female: true, trail5C: true),      // E5 5C C8 41
        Given(hanzi: "運來", pinyin: "Yunlai", female: false, trail5C: true),     // DF 5C 81 ED
        Given(hanzi: "喆", pinyin: "Zhe", female: false),                        // 86 B4
        Given(hanzi: "堃", pinyin: "Kun", female: false),                        // 88 D2
    ]

    /// In GB18030 (and Unicode) but not GBK.
    static let givenGB18030: [Given] = [
        Given(hanzi: "䶮", pinyin: "Yan", female: false),                        // FE 9F (GB18030-2005)
    ]

    static let european: [(family: String, given: String, female: Bool)] = [
        ("Müller", "Jürgen", false), ("Lefèvre", "Hélène", true), ("García", "José", false),
        ("Østergård", "Søren", false), ("Ångström", "Åsa", true), ("Núñez", "Begoña", true),
        ("Schäfer", "Björn", false), ("Jönsson", "Märta", true), ("O'Brien", "Siobhán", true),
        ("Fürst", "Zoë", true),
    ]

    static func personName(family: (hanzi: String, pinyin: String), given: (hanzi: String, pinyin: String),
                           style: SynthesisOptions.NameStyle) -> String {
        switch style {
        case .ideographic: return family.hanzi + "^" + given.hanzi
        case .pinyin: return family.pinyin + "^" + given.pinyin
        case .both: return family.pinyin + "^" + given.pinyin + "=" + family.hanzi + "^" + given.hanzi
        }
    }
}

/// Free text of a study: institution, descriptions, staff names.
struct SyntheticTexts: Sendable {
    struct Series: Sendable {
        var description: String
        var kernel: String
        var windowCenter: String
        var windowWidth: String
        var windowExplanation: String
        var mr: MRParameters
    }

    struct MRParameters: Sendable {
        var scanningSequence = "SE", sequenceVariant = "SK\\SP", sequenceName = "*tse2d1_15"
        var tr = "4000", te = "98", ti: String? = nil, echoTrainLength = "15", flipAngle = "150"
    }

    let chinese: Bool
    let modality: SynthesisOptions.Modality
    let institution: String
    let department: String
    let studyDescription: String
    let referringPhysician: String
    let operatorName: String
    let patientComment: String
    let protocolName: String

    init(characterSet: SynthesisOptions.CharacterSet, style: SynthesisOptions.NameStyle, modality: SynthesisOptions.Modality) {
        chinese = characterSet.holdsChinese
        self.modality = modality
        let isCT = modality == .ct
        protocolName = isCT ? "HEAD ROUTINE" : "BRAIN ROUTINE"
        if chinese {
            institution = "光盒示例医院"
            department = "放射科"
            studyDescription = isCT ? "头颅CT平扫" : "头颅MR平扫"
            referringPhysician = Names.personName(family: ("赵", "Zhao"), given: ("敏", "Min"), style: style)
            operatorName = Names.personName(family: ("孙", "Sun"), given: ("丽", "Li"), style: style)
            patientComment = "合成数据（Shepp-Logan 体模），非真实患者"
        } else {
            institution = "Lightbox Synthetic Hospital"
            department = "Radiology"
            studyDescription = isCT ? "CT HEAD W/O CONTRAST" : "MR BRAIN W/O CONTRAST"
            referringPhysician = characterSet == .latin1 ? "Weiß^Anna" : "Smith^Anna"
            operatorName = "Jones^Tom"
            patientComment = "Synthetic data (Shepp-Logan phantom), not a real patient"
        }
    }

    /// Series `i` of a study: CT cycles soft tissue, bone and standard reconstructions; MR cycles
    /// T2 TSE, T1 SE and FLAIR (each with its own contrast).
    func series(_ i: Int) -> Series {
        if modality == .ct {
            let list: [(String, String, String, String, String, String)] = [
                ("头颅 软组织", "HEAD H30s", "H30s", "40\\600", "80\\2800", "BRAIN\\BONE"),
                ("头颅 骨窗", "HEAD BONE H70h", "H70h", "600\\40", "2800\\80", "BONE\\BRAIN"),
                ("头颅 标准", "HEAD STD H40s", "H40s", "40\\600", "80\\2800", "BRAIN\\BONE"),
            ]
            let s = list[i % list.count]
            return Series(description: chinese ? s.0 : s.1, kernel: s.2, windowCenter: s.3, windowWidth: s.4,
                          windowExplanation: s.5, mr: MRParameters())
        }
        switch i % 3 {
        case 0:
            return Series(description: chinese ? "T2 轴位" : "T2 TSE AX", kernel: "", windowCenter: "1400",
                          windowWidth: "2800", windowExplanation: "T2", mr: MRParameters())
        case 1:
            return Series(description: chinese ? "T1 轴位" : "T1 SE AX", kernel: "", windowCenter: "700",
                          windowWidth: "1400", windowExplanation: "T1",
                          mr: MRParameters(scanningSequence: "SE", sequenceVariant: "SP", sequenceName: "*se2d1",
                                           tr: "500", te: "12", echoTrainLength: "1", flipAngle: "90"))
        default:
            return Series(description: chinese ? "FLAIR 轴位" : "FLAIR AX", kernel: "", windowCenter: "1000",
                          windowWidth: "2000", windowExplanation: "FLAIR",
                          mr: MRParameters(scanningSequence: "SE\\IR", sequenceVariant: "SK\\SP\\MP",
                                           sequenceName: "*tir2d1_16", tr: "9000", te: "85", ti: "2500",
                                           echoTrainLength: "16", flipAngle: "150"))
        }
    }
}

extension PhantomContrast {
    /// MR, T1-weighted-like: scalp fat bright, brain grey, CSF dark, lesions slightly dark.
    public static let mrT1 = PhantomContrast(
        background: 0,
        additions: [1300, -600, -450, -450, -100, -150, -150, -150, -150, -150],
        range: 0 ... 4095, noiseInAir: false)

    /// MR, FLAIR-like: CSF suppressed (dark), lesions bright.
    public static let mrFLAIR = PhantomContrast(
        background: 0,
        additions: [400, 500, -750, -750, 900, 1000, 1000, 1100, 1100, 1100],
        range: 0 ... 4095, noiseInAir: false)
}
