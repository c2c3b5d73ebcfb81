import ArgumentParser
import ConocelesWeb
@main struct ConocelesCommand: AsyncParsableCommand {}
