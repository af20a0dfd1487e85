import TownshipProtos

/// Cursor pages over a list the service has in hand (pagination.proto): page size 0 means 50,
/// above 500 is lowered to 500, negative is INVALID_ARGUMENT; the cursor is
/// "<offset>:<request key>", so a cursor sent with another request is CURSOR_MISMATCH.
enum Paging {
    static let defaultSize = 50
    static let maxSize = 500

    static func page<T>(_ items: [T], _ request: Township_Common_V1_PageRequest, key: String) throws -> ([T], Township_Common_V1_PageResponse) {
        guard request.pageSize >= 0 else { throw JobFairError.invalid(field: "page.page_size", "must not be negative") }
        guard request.cursor.utf8.count <= 512 else { throw JobFairError.invalid(field: "page.cursor", "at most 512 bytes") }
        let size = request.pageSize == 0 ? defaultSize : min(Int(request.pageSize), maxSize)
        var start = 0
        if !request.cursor.isEmpty {
            let parts = request.cursor.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let offset = Int(parts[0]), offset >= 0, String(parts[1]) == key else {
                throw JobFairError.cursorMismatch("the cursor does not belong to this request: start again from the first page")
            }
            start = min(offset, items.count)
        }
        let end = min(start + size, items.count)
        var response = Township_Common_V1_PageResponse()
        response.totalSize = Int64(items.count)
        if end < items.count { response.nextCursor = "\(end):\(key)" }
        return (Array(items[start..<end]), response)
    }
}
