/// How phone numbers appear in reads: the first 3 and last 4 digits, the middle starred
/// (13812345678 → 138****5678). Numbers of 7 digits or fewer show only their last 2.
public enum PhoneMasking {
    public static func mask(_ phone: String) -> String {
        let characters = Array(phone)
        if characters.count <= 7 {
            let shown = min(2, characters.count)
            return String(repeating: "*", count: characters.count - shown) + String(characters.suffix(shown))
        }
        return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 7) + String(characters.suffix(4))
    }
}
