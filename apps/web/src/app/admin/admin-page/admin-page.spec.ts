import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { AdminPage } from './admin-page';

@Component({ template: '<p>users section</p>' })
class UsersStub {}

describe('AdminPage', () => {
  it('has a labelled navigation of the sections; the current one is marked', async () => {
    localStorage.setItem('hihi.lang', 'en');
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          {
            path: 'admin',
            component: AdminPage,
            children: [
              { path: 'users', component: UsersStub },
              { path: '**', component: UsersStub },
            ],
          },
        ]),
      ],
    });
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/admin/users');
    const el = harness.routeNativeElement as HTMLElement;
    const nav = el.querySelector('nav') as HTMLElement;
    expect(nav.getAttribute('aria-label')).toBe('Admin sections');
    const links = [...nav.querySelectorAll('a')];
    expect(links.map((a) => a.textContent?.trim())).toEqual(['Users', 'Invites', 'Settings', 'Audit log', 'Stats']);
    expect(links[0].getAttribute('aria-current')).toBe('page');
    expect(links[1].getAttribute('aria-current')).toBeNull();
    expect(el.querySelector('h1')?.textContent).toContain('Admin console');
    expect(el.textContent).toContain('users section');
    expect(TestBed.inject(Router).url).toBe('/admin/users');
  });
});
