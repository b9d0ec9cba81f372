#if canImport(Glibc)
import Glibc
#endif

/// How glibc serves large allocations while a big file is read in pieces.
///
/// glibc serves an allocation above its mmap threshold with mmap, and a free of it goes straight
/// back to the system; smaller ones come from heaps that keep freed memory. The threshold rises
/// by itself after the first big free, so the pieces' series (a megabyte or two each) would come
/// from the heaps and stay resident beside the joined series: a 58 MB CSV peaked at 222 MB
/// instead of 143 MB. While pieces are read the threshold is held low; afterwards it is set to
/// glibc's own ceiling, so the analysis reuses freed memory as it did before (a low threshold
/// throughout costs a page fault on every fresh array: 0.3 s of system time on that file).
public enum MemoryPolicy {
    #if os(Linux)
    @_silgen_name("mallopt") private static func mallopt(_ parameter: Int32, _ value: Int32) -> Int32  // not in Swift's Glibc module
    private static let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD in malloc.h
    private static let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
    #endif

    #if os(Linux)
    @_silgen_name("malloc_trim") private static func mallocTrim(_ pad: Int) -> Int32
    #endif

    /// Gives the free memory of glibc's heaps back to the system (between the phases of a
    /// command: what reading and analysing freed need not stay resident while drawing).
    public static func returnFreeMemory() {
        #if os(Linux)
        _ = mallocTrim(0)
        #endif
    }

    /// Runs `body` with big allocations returned to the system when freed.
    static func returningBigFrees<T>(_ body: () throws(Diagnostic) -> T) throws(Diagnostic) -> T {
        #if os(Linux)
        _ = mallopt(mmapThreshold, 256 << 10)
        defer {
            // Where glibc's own adjustment ends up after big frees: big arrays from the heaps,
            // which keep up to twice that free before giving memory back.
            _ = mallopt(mmapThreshold, 32 << 20)
            _ = mallopt(trimThreshold, 64 << 20)
        }
        #endif
        return try body()
    }
}
