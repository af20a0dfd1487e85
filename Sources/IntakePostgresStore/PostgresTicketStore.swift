import PostgresNIO
import IntakeCore
// Placeholder while the store is written.
enum IntakePostgresStorePlaceholder {}
