/// DICOM Upper Layer (PS3.8) and DIMSE (PS3.7) on SwiftNIO.
public enum NetworkModule {}
