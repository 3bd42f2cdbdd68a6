// Server-side DTO classes (class-validator) for the HTTP API, socket events and bus handlers.
// The plain types live in @hihi/contracts (shared with the web client); these classes implement them.
export * from './auth.dto';
export * from './chat.dto';
export * from './names';
