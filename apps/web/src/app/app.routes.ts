import type { Routes } from '@angular/router';
import { anonymousGuard, authGuard } from './core/auth/auth.guards';
import { APP_TITLE } from './app-title';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'chat' },
  {
    path: 'login',
    title: APP_TITLE,
    canActivate: [anonymousGuard],
    loadComponent: () => import('./auth/login-page/login-page').then((m) => m.LoginPage),
  },
  {
    path: 'register',
    title: APP_TITLE,
    canActivate: [anonymousGuard],
    loadComponent: () => import('./auth/register-page/register-page').then((m) => m.RegisterPage),
  },
  {
    path: 'chat',
    title: APP_TITLE,
    canActivate: [authGuard],
    loadComponent: () => import('./chat/chat-page/chat-page').then((m) => m.ChatPage),
  },
  {
    path: 'security',
    title: APP_TITLE,
    canActivate: [authGuard],
    loadComponent: () => import('./account/security-page/security-page').then((m) => m.SecurityPage),
  },
  {
    path: 'profile',
    title: APP_TITLE,
    canActivate: [authGuard],
    loadComponent: () => import('./account/profile-page/profile-page').then((m) => m.ProfilePage),
  },
  { path: '**', redirectTo: 'chat' },
];
