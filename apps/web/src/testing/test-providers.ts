import { provideZonelessChangeDetection } from '@angular/core';

/** Providers of every unit test (the app is zoneless; see angular.json `providersFile`). */
export default [provideZonelessChangeDetection()];
