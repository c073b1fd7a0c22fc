/// The DICOM Upper Layer state machine, PS3.8 §9.2 (Table 9-10).
///
/// Pure: `handle(_:)` takes an event (Evt1-Evt19) and returns the actions to perform, changing the
/// state (Sta1-Sta13); only `AssociationHandler` turns actions into I/O.
public struct AssociationStateMachine: Sendable {
    /// States, PS3.8 Table 9-1.
    public enum State: Int, Sendable, CaseIterable {
        case sta1 = 1   // Idle
        case sta2       // Transport connection open (awaiting A-ASSOCIATE-RQ PDU)
        case sta3       // Awaiting local A-ASSOCIATE response primitive
        case sta4       // Awaiting transport connection opening to complete
        case sta5       // Awaiting A-ASSOCIATE-AC or -RJ PDU
        case sta6       // Association established and ready for data transfer
        case sta7       // Awaiting A-RELEASE-RP PDU
        case sta8       // Awaiting local A-RELEASE response primitive
        case sta9       // Release collision requestor side; awaiting A-RELEASE response
        case sta10      // Release collision acceptor side; awaiting A-RELEASE-RP PDU
        case sta11      // Release collision requestor side; awaiting A-RELEASE-RP PDU
        case sta12      // Release collision acceptor side; awaiting A-RELEASE response primitive
        case sta13      // Awaiting transport connection close indication
    }

    /// Events, PS3.8 Table 9-2.
    public enum Event: Int, Sendable, CaseIterable {
        case evt1 = 1   // A-ASSOCIATE request (local user)
        case evt2       // Transport connect confirmation
        case evt3       // A-ASSOCIATE-AC PDU received
        case evt4       // A-ASSOCIATE-RJ PDU received
        case evt5       // Transport connection indication
        case evt6       // A-ASSOCIATE-RQ PDU received
        case evt7       // A-ASSOCIATE response primitive (accept)
        case evt8       // A-ASSOCIATE response primitive (reject)
        case evt9       // P-DATA request primitive
        case evt10      // P-DATA-TF PDU received
        case evt11      // A-RELEASE request primitive
        case evt12      // A-RELEASE-RQ PDU received
        case evt13      // A-RELEASE-RP PDU received
        case evt14      // A-RELEASE response primitive
        case evt15      // A-ABORT request primitive
        case evt16      // A-ABORT PDU received
        case evt17      // Transport connection closed indication
        case evt18      // ARTIM timer expired
        case evt19      // Unrecognized or invalid PDU received
    }

    /// State machine actions, PS3.8 Table 9-6 to 9-9; each names what the I/O layer must do.
    public enum ActionName: String, Sendable {
        case ae1 = "AE-1", ae2 = "AE-2", ae3 = "AE-3", ae4 = "AE-4", ae5 = "AE-5", ae6 = "AE-6", ae7 = "AE-7", ae8 = "AE-8"
        case dt1 = "DT-1", dt2 = "DT-2"
        case ar1 = "AR-1", ar2 = "AR-2", ar3 = "AR-3", ar4 = "AR-4", ar5 = "AR-5"
        case ar6 = "AR-6", ar7 = "AR-7", ar8 = "AR-8", ar9 = "AR-9", ar10 = "AR-10"
        case aa1 = "AA-1", aa2 = "AA-2", aa3 = "AA-3", aa4 = "AA-4", aa5 = "AA-5", aa6 = "AA-6", aa7 = "AA-7", aa8 = "AA-8"
    }

    /// What the I/O layer does for an action (PS3.8 §9.2.2).
    public enum Action: Equatable, Sendable {
        case openTransport              // AE-1
        case sendAssociateRQ            // AE-2
        case indicateAccepted           // AE-3: A-ASSOCIATE confirmation (accept)
        case indicateRejected           // AE-4: A-ASSOCIATE confirmation (reject)
        case evaluateAssociateRQ        // AE-6: acceptable? -> Evt7/Evt8
        case sendAssociateAC            // AE-7
        case sendAssociateRJ            // AE-8
        case sendPData                  // DT-1, AR-7
        case indicatePData              // DT-2, AR-6
        case sendReleaseRQ              // AR-1
        case indicateRelease            // AR-2, AR-8
        case indicateReleaseConfirmed   // AR-3, AR-10
        case sendReleaseRP              // AR-4, AR-9
        case sendAbort(AbortPDU)        // AA-1, AA-7, AA-8
        case indicateAbort              // AA-3: A-ABORT / A-P-ABORT indication
        case indicateProviderAbort      // AA-4, AA-8
        case startARTIM
        case stopARTIM
        case closeTransport
        case ignore                     // AA-6
    }

    public let isRequestor: Bool
    public private(set) var state: State

    public init(isRequestor: Bool) {
        self.isRequestor = isRequestor
        state = .sta1
    }

    /// The action Table 9-10 names for `event` in the current state, nil where the table is blank.
    public func actionName(for event: Event) -> ActionName? { Self.table(event, state) }

    /// Performs `event`: returns the actions, or nil when the event is not allowed in this state
    /// (a blank cell of Table 9-10); the state is then unchanged.
    public mutating func handle(_ event: Event) -> [Action]? {
        guard let name = Self.table(event, state) else { return nil }
        let (actions, next) = Self.perform(name, event: event, isRequestor: isRequestor)
        state = next
        return actions
    }

    static func perform(_ a: ActionName, event: Event, isRequestor: Bool) -> ([Action], State) {
        // The A-ABORT source: service-user when the local user asked (Evt15); otherwise the
        // provider detected a protocol error: unrecognised PDU (Evt19) or unexpected PDU.
        let providerAbort: AbortPDU = event == .evt19 ? .unrecognizedPDU : .unexpectedPDU
        switch a {
        case .ae1: return ([.openTransport], .sta4)
        case .ae2: return ([.sendAssociateRQ], .sta5)
        case .ae3: return ([.stopARTIM, .indicateAccepted], .sta6)
        case .ae4: return ([.stopARTIM, .indicateRejected, .closeTransport], .sta1)
        case .ae5: return ([.startARTIM], .sta2)
        case .ae6: return ([.stopARTIM, .evaluateAssociateRQ], .sta3)
        case .ae7: return ([.sendAssociateAC], .sta6)
        case .ae8: return ([.sendAssociateRJ, .startARTIM], .sta13)
        case .dt1: return ([.sendPData], .sta6)
        case .dt2: return ([.indicatePData], .sta6)
        case .ar1: return ([.sendReleaseRQ], .sta7)
        case .ar2: return ([.indicateRelease], .sta8)
        case .ar3: return ([.stopARTIM, .indicateReleaseConfirmed, .closeTransport], .sta1)
        case .ar4: return ([.sendReleaseRP, .startARTIM], .sta13)
        case .ar5: return ([.stopARTIM], .sta1)
        case .ar6: return ([.indicatePData], .sta7)
        case .ar7: return ([.sendPData], .sta8)
        case .ar8: return ([.indicateRelease], isRequestor ? .sta9 : .sta10)
        case .ar9: return ([.sendReleaseRP], .sta11)
        case .ar10: return ([.indicateReleaseConfirmed], .sta12)
        case .aa1: return ([.sendAbort(event == .evt15 ? .serviceUser : providerAbort), .startARTIM], .sta13)
        case .aa2: return ([.stopARTIM, .closeTransport], .sta1)
        case .aa3: return ([.indicateAbort, .closeTransport], .sta1)
        case .aa4: return ([.indicateProviderAbort], .sta1)
        case .aa5: return ([.stopARTIM], .sta1)
        case .aa6: return ([.ignore], .sta13)
        case .aa7: return ([.sendAbort(providerAbort)], .sta13)
        case .aa8: return ([.sendAbort(providerAbort), .indicateProviderAbort, .startARTIM], .sta13)
        }
    }

    /// PS3.8 Table 9-10, cell by cell.
    static func table(_ e: Event, _ s: State) -> ActionName? {
        let established = (State.sta6.rawValue ... State.sta12.rawValue).contains(s.rawValue) // no Set built per event
        switch e {
        case .evt1: return s == .sta1 ? .ae1 : nil
        case .evt2: return s == .sta4 ? .ae2 : nil
        case .evt3:
            switch s {
            case .sta2: return .aa1
            case .sta5: return .ae3
            case .sta13: return .aa6
            case .sta3: return .aa8
            default: return established ? .aa8 : nil
            }
        case .evt4:
            switch s {
            case .sta2: return .aa1
            case .sta5: return .ae4
            case .sta13: return .aa6
            case .sta3: return .aa8
            default: return established ? .aa8 : nil
            }
        case .evt5: return s == .sta1 ? .ae5 : nil
        case .evt6:
            switch s {
            case .sta2: return .ae6
            case .sta13: return .aa7
            case .sta3, .sta5: return .aa8
            default: return established ? .aa8 : nil
            }
        case .evt7: return s == .sta3 ? .ae7 : nil
        case .evt8: return s == .sta3 ? .ae8 : nil
        case .evt9:
            switch s { case .sta6: return .dt1; case .sta8: return .ar7; default: return nil }
        case .evt10:
            switch s {
            case .sta2: return .aa1
            case .sta6: return .dt2
            case .sta7: return .ar6
            case .sta13: return .aa6
            case .sta3, .sta5, .sta8, .sta9, .sta10, .sta11, .sta12: return .aa8
            default: return nil
            }
        case .evt11: return s == .sta6 ? .ar1 : nil
        case .evt12:
            switch s {
            case .sta2: return .aa1
            case .sta6: return .ar2
            case .sta7: return .ar8
            case .sta13: return .aa6
            case .sta3, .sta5, .sta8, .sta9, .sta10, .sta11, .sta12: return .aa8
            default: return nil
            }
        case .evt13:
            switch s {
            case .sta2: return .aa1
            case .sta7, .sta11: return .ar3
            case .sta10: return .ar10
            case .sta13: return .aa6
            case .sta3, .sta5, .sta6, .sta8, .sta9, .sta12: return .aa8
            default: return nil
            }
        case .evt14:
            switch s { case .sta8, .sta12: return .ar4; case .sta9: return .ar9; default: return nil }
        case .evt15:
            switch s {
            case .sta3, .sta5: return .aa1
            case .sta4: return .aa2
            default: return established ? .aa1 : nil
            }
        case .evt16:
            switch s {
            case .sta2, .sta13: return .aa2
            case .sta3, .sta5: return .aa3
            default: return established ? .aa3 : nil
            }
        case .evt17:
            switch s {
            case .sta2: return .aa5
            case .sta13: return .ar5
            case .sta3, .sta4, .sta5: return .aa4
            default: return established ? .aa4 : nil
            }
        case .evt18:
            switch s { case .sta2, .sta13: return .aa2; default: return nil }
        case .evt19:
            switch s {
            case .sta2: return .aa1
            case .sta13: return .aa7
            case .sta3, .sta5: return .aa8
            default: return established ? .aa8 : nil
            }
        }
    }
}
