export * from './pipeline';
export * from './profile-setup';
