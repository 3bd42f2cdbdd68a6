// Server-side DTO classes (class-validator) for the HTTP API, socket events and bus handlers, and
// the one validation pipeline they go through (./validation). The plain types live in
// @hihi/contracts (shared with the web client); these classes implement them.
export * from './auth.dto';
export * from './chat.dto';
export * from './rooms.dto';
export * from './moderation.dto';
export * from './admin.dto';
export * from './signin.dto';
export * from './integrations.dto';
export * from './account.dto';
export * from './names';
export * from './commands';
export * from './validation';
