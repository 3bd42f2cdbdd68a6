import type { Routes } from '@angular/router';
import { adminGuard, anonymousGuard, authGuard } from './core/auth/auth.guards';
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
  {
    // a password-reset link (`/reset#token=…`) works signed in or not, in any browser
    path: 'reset',
    title: APP_TITLE,
    loadComponent: () => import('./auth/reset-page/reset-page').then((m) => m.ResetPage),
  },
  {
    // forgot password: a reset link is mailed to a verified address
    path: 'forgot',
    title: APP_TITLE,
    canActivate: [anonymousGuard],
    loadComponent: () => import('./auth/forgot-page/forgot-page').then((m) => m.ForgotPage),
  },
  {
    // an email verification link (`/verify-email#token=…`) works signed in or not, in any browser
    path: 'verify-email',
    title: APP_TITLE,
    loadComponent: () => import('./auth/verify-email-page/verify-email-page').then((m) => m.VerifyEmailPage),
  },
  {
    // the moderation queue: the server answers each person the reports they may act on
    path: 'moderation',
    title: APP_TITLE,
    canActivate: [authGuard],
    loadComponent: () => import('./moderation/queue-page/queue-page').then((m) => m.QueuePage),
  },
  {
    path: 'admin',
    title: APP_TITLE,
    canActivate: [adminGuard],
    loadComponent: () => import('./admin/admin-page/admin-page').then((m) => m.AdminPage),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'users' },
      { path: 'users', loadComponent: () => import('./admin/admin-users/admin-users').then((m) => m.AdminUsers) },
      {
        path: 'invites',
        loadComponent: () => import('./admin/admin-invites/admin-invites').then((m) => m.AdminInvites),
      },
      {
        path: 'settings',
        loadComponent: () => import('./admin/admin-settings/admin-settings').then((m) => m.AdminSettings),
      },
      { path: 'audit', loadComponent: () => import('./admin/admin-audit/admin-audit').then((m) => m.AdminAudit) },
      { path: 'stats', loadComponent: () => import('./admin/admin-stats/admin-stats').then((m) => m.AdminStats) },
    ],
  },
  { path: '**', redirectTo: 'chat' },
];
