export * from './pipeline';
export * from './processes';
export * from './profile-setup';
export * from './scenario';
export * from './testing';
export * from './verify';
