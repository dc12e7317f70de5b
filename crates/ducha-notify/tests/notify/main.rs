//! Delivery over real sockets: local HTTP and SMTP receivers stand in for the robots, webhooks,
//! SMS gateway and mail relay. One test binary; every receiver binds its own port.

mod email;
mod http_channels;
mod http_failures;
mod support;
