import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('Kindred: index.html has no #app element to mount into.');

export default mount(App, { target });
