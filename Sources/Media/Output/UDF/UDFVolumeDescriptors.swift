import Foundation

/// The Part 3 descriptors of a UDF volume (ECMA-167 3/10) and the File Set Descriptor (4/14.1),
/// each a 2048-byte sector, as UDF 2.60 §2.2 fills them.
struct UDFVolumeDescriptors {
    let plan: UDFImagePlan
    let time: [UInt8]
    /// 16 hex digits that make the Volume Set Identifier unique (UDF 2.60 §2.2.2.5).
    let volumeSetPrefix: String

    var revision: UInt16 { plan.options.revision }
    var volumeID: String { plan.options.volumeID }

    /// The Volume Recognition Sequence's Extended Area: BEA01, NSR03, TEA01 (2/9.2, 3/9.1).
    static func recognitionSequence() -> [[UInt8]] {
        ["BEA01", "NSR03", "TEA01"].map { id in
            var s = [UInt8](repeating: 0, count: 2048)
            s.replaceSubrange(1..<6, with: Array(id.utf8))
            s[6] = 1
            return s
        }
    }

    /// Primary, Implementation Use, Partition, Logical Volume, Unallocated Space and Terminating
    /// descriptors, recorded from `start` (their tag locations).
    func volumeDescriptorSequence(start: UInt32) -> [[UInt8]] {
        [primary(start), implementationUse(start + 1), partition(start + 2), logicalVolume(start + 3),
         unallocatedSpace(start + 4), terminating(start + 5)]
    }

    private func sector(_ r: UDFRecord) -> [UInt8] { r.bytes + [UInt8](repeating: 0, count: 2048 - r.bytes.count) }

    /// Primary Volume Descriptor (3/10.1; UDF 2.60 §2.2.2).
    func primary(_ at: UInt32) -> [UInt8] {
        var r = UDFRecord(size: 512)
        r.u32(16, 0)  // Volume Descriptor Sequence Number
        r.u32(20, 0)  // Primary Volume Descriptor Number
        r.put(24, UDFFields.dstring(volumeID, size: 32))
        r.u16(56, 1); r.u16(58, 1)  // volume sequence number, maximum
        r.u16(60, 2); r.u16(62, 3)  // interchange level, maximum (UDF 2.60 §2.2.2.3)
        r.u32(64, 1); r.u32(68, 1)  // character set lists: CS0
        r.put(72, UDFFields.dstring(volumeSetPrefix + volumeID, size: 128))
        r.put(200, UDFFields.ostaCharspec)
        r.put(264, UDFFields.ostaCharspec)
        r.put(344, UDFFields.entity("*Lightbox", suffix: []))  // Application Identifier
        r.put(376, time)
        r.put(388, UDFFields.implementation)
        r.u16(488, 1)  // flags: the Volume Set Identifier is common to the volume set
        r.tag(1, location: at)
        return sector(r)
    }

    /// Implementation Use Volume Descriptor "*UDF LV Info" (3/10.4; UDF 2.60 §2.2.7).
    func implementationUse(_ at: UInt32) -> [UInt8] {
        var r = UDFRecord(size: 512)
        r.u32(16, 1)
        r.put(20, UDFFields.udfEntity("*UDF LV Info", revision: revision))
        r.put(52, UDFFields.ostaCharspec)
        r.put(116, UDFFields.dstring(volumeID, size: 128))
        r.put(352, UDFFields.implementation)
        r.tag(4, location: at)
        return sector(r)
    }

    /// Partition Descriptor (3/10.5; UDF 2.60 §2.2.14): partition 0, "+NSR03", read-only.
    func partition(_ at: UInt32) -> [UInt8] {
        var r = UDFRecord(size: 512)
        r.u32(16, 2)
        r.u16(20, 1)  // allocated
        r.u16(22, 0)  // partition number
        r.put(24, UDFFields.entity("+NSR03", suffix: []))
        r.u32(184, 1)  // access type: read-only
        r.u32(188, plan.partitionStart)
        r.u32(192, plan.partitionLength)
        r.put(196, UDFFields.implementation)
        r.tag(5, location: at)
        return sector(r)
    }

    /// Logical Volume Descriptor (3/10.6; UDF 2.60 §2.2.4) with a Type 1 map of partition 0 and,
    /// for UDF 2.50/2.60, the Metadata Partition Map (§2.2.10).
    func logicalVolume(_ at: UInt32) -> [UInt8] {
        var r = UDFRecord(size: 440 + 6 + (plan.options.usesMetadataPartition ? 64 : 0))
        r.u32(16, 3)
        r.put(20, UDFFields.ostaCharspec)
        r.put(84, UDFFields.dstring(volumeID, size: 128))
        r.u32(212, 2048)
        r.put(216, UDFFields.domain(revision: revision))
        r.longAD(248, length: 2048, block: 0, partition: plan.metadataPartition)  // the File Set Descriptor
        r.u32(264, UInt32(r.bytes.count - 440))
        r.u32(268, plan.options.usesMetadataPartition ? 2 : 1)
        r.put(272, UDFFields.implementation)
        r.extent(432, length: 2 * 2048, location: UDFImagePlan.integritySequence)
        // Type 1 map: volume sequence 1, partition 0.
        r.u8(440, 1); r.u8(441, 6); r.u16(442, 1); r.u16(444, 0)
        if plan.options.usesMetadataPartition {
            let m = 446
            r.u8(m, 2); r.u8(m + 1, 64)
            r.put(m + 4, UDFFields.udfEntity("*UDF Metadata Partition", revision: revision))
            r.u16(m + 36, 1)  // volume sequence number
            r.u16(m + 38, 0)  // partition number
            r.u32(m + 40, 0)  // Metadata File: block 0 of the partition
            r.u32(m + 44, 1)  // Metadata Mirror File: block 1
            r.u32(m + 48, 0xFFFF_FFFF)  // no Metadata Bitmap File on a read-only volume
            r.u32(m + 52, UDFImagePlan.alignmentUnit)  // allocation unit size
            r.u16(m + 56, UInt16(UDFImagePlan.alignmentUnit))  // alignment unit size
            r.u8(m + 58, 1)  // the mirror is a separate copy
        }
        r.tag(6, location: at)
        return sector(r)
    }

    /// Unallocated Space Descriptor (3/10.8): no free extents.
    func unallocatedSpace(_ at: UInt32) -> [UInt8] {
        var r = UDFRecord(size: 24)
        r.u32(16, 4)
        r.tag(7, location: at)
        return sector(r)
    }

    /// Terminating Descriptor (3/10.9, 4/14.2).
    func terminating(_ at: UInt32) -> [UInt8] {
        var r = UDFRecord(size: 512)
        r.tag(8, location: at)
        return sector(r)
    }

    /// Anchor Volume Descriptor Pointer (3/10.2): the two sequences, 16 sectors each.
    func anchor(_ at: UInt32) -> [UInt8] {
        var r = UDFRecord(size: 512)
        r.extent(16, length: 16 * 2048, location: UDFImagePlan.mainVDS)
        r.extent(24, length: 16 * 2048, location: UDFImagePlan.reserveVDS)
        r.tag(2, location: at)
        return sector(r)
    }

    /// Logical Volume Integrity Descriptor (3/10.10; UDF 2.60 §2.2.6), closed, with the next
    /// Unique ID in the Logical Volume Header Descriptor (4/14.15) and the file and folder counts.
    func integrity(_ location: UInt32) -> [UInt8] {
        let partitions = plan.options.usesMetadataPartition ? 2 : 1
        var r = UDFRecord(size: 80 + 8 * partitions + 46)
        r.put(16, time)
        r.u32(28, 1)  // Close Integrity Descriptor
        r.u64(40, plan.nextUniqueID)
        r.u32(72, UInt32(partitions))
        r.u32(76, 46)
        var at = 80
        for _ in 0..<partitions { r.u32(at, 0); at += 4 }  // free space: none
        r.u32(at, plan.partitionLength); at += 4
        if partitions == 2 { r.u32(at, plan.metadataAllocated); at += 4 }
        r.put(at, UDFFields.implementation)
        r.u32(at + 32, UInt32(plan.fileCount))
        r.u32(at + 36, UInt32(plan.directoryCount))
        r.u16(at + 40, revision)  // minimum UDF read revision
        r.u16(at + 42, revision)  // minimum write
        r.u16(at + 44, revision)  // maximum write
        r.tag(9, location: location)
        return sector(r)
    }

    /// File Set Descriptor (4/14.1; UDF 2.60 §2.3.2) at block 0 of the metadata, the root folder's
    /// entry given.
    func fileSet(rootBlock: UInt32) -> [UInt8] {
        var r = UDFRecord(size: 512)
        r.put(16, time)
        r.u16(28, 3); r.u16(30, 3)
        r.u32(32, 1); r.u32(36, 1)
        r.put(48, UDFFields.ostaCharspec)
        r.put(112, UDFFields.dstring(volumeID, size: 128))
        r.put(240, UDFFields.ostaCharspec)
        r.put(304, UDFFields.dstring(volumeID, size: 32))
        r.longAD(400, length: 2048, block: rootBlock, partition: plan.metadataPartition)
        r.put(416, UDFFields.domain(revision: revision))
        r.tag(256, location: 0)
        return sector(r)
    }
}
