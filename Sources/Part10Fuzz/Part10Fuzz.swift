import DICOM
print("fuzz placeholder")
