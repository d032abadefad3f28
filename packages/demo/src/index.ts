export * from './pipeline';
export * from './profile-setup';
export * from './testing';
