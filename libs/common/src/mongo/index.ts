// MongoDB for a service (auth): mongoose settings, the start-up probe, health over the bus and
// HTTP. Loads mongoose: import it only where there is a MongoDB.
export * from './mongo';
export * from './service-health';
