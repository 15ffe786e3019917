//! The `example-fastapi` program; the app it serves is the library beside it
//! (`src/lib.rs`), which the tests drive too.

use example_fastapi::{app, parse_addr};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = parse_addr(std::env::args().skip(1), std::env::var("PORT").ok())?;
    let app = app()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!(
        "fastapi example listening on http://{}",
        listener.local_addr()?
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            // Stop on Ctrl-C; if the handler cannot be installed, run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await?;
    Ok(())
}
